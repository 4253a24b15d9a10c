"""The pure domain core of calfcoach (see README.md in this folder)."""
