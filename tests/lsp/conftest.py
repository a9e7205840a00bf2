"""The language-server tests share one real server process per module (see lsp_harness)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lsp_harness import SharedServer


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedServer]:
    shared = SharedServer(tmp_path_factory.mktemp("cache"))
    yield shared
    shared.close()
