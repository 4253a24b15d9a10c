from calfcoach.cli import main

main()
