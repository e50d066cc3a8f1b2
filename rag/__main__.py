"""``python -m rag``: the ``rag`` command (see ``rag.oneshot``)."""

from rag.oneshot import main

main()
