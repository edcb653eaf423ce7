"""The live preview: its state (:mod:`.state`, usable without a server) and its server (:mod:`.server`)."""
