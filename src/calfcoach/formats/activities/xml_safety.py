"""XML parsed with defusedxml: no DTD at all (so no entity expansion and no external
entities: billion laughs and XXE are refused with a message), and a clear error for
anything that is not well-formed XML."""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_etree  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException

from calfcoach.formats.activities.common import ActivityFileError, check_size

__all__ = ["parse_xml"]


def parse_xml(source: str, data: bytes, kind: str) -> Element:
    check_size(source, len(data))
    try:
        root: Element = safe_etree.fromstring(data, forbid_dtd=True)
        return root
    except DefusedXmlException as error:
        raise ActivityFileError(
            source,
            f"{kind} file refused: it declares a DTD or entities ({type(error).__name__}); "
            f"{kind} files need none",
        ) from None
    except ParseError as error:
        raise ActivityFileError(source, f"not a well-formed {kind} file: {error}") from None
    except (ValueError, UnicodeError, RecursionError) as error:
        raise ActivityFileError(source, f"not a readable {kind} file: {error}") from None
