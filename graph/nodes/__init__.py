"""Graph nodes, one module per family. Each node is `async def node(state, runtime)` returning what it changes."""
