"""The loopback IM cloud: server, sessions, state, wire protocol, and the embedded runner."""
