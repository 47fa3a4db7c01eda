"""Argument types shared by the CLI commands."""
from __future__ import annotations

import argparse
import datetime as dt


def iso_date(text: str) -> dt.date:
    """An argparse type: YYYY-MM-DD -> date, with a message naming the bad value."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not an ISO date: {text!r}; use YYYY-MM-DD") from err
