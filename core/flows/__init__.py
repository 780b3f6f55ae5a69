"""The dialogue, one module per part of it. Each exports `STATES` (state name ->
State) and may export `COMMANDS` and `STANDALONE` (action -> handler)."""
