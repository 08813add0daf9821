"""Keyset-free, bounded pagination parameters shared by list endpoints."""

from typing import Annotated

from fastapi import Path, Query

Limit = Annotated[int, Query(ge=1, le=1000, description="Most items to return.")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")]

Id = Annotated[int, Path(ge=1, le=2**63 - 1, description="A database id.")]
