"""The domains of the SDK, one module each: its calls and its streams, built on a session
(:mod:`aiotim.domains._base`). :class:`aiotim.Client` exposes each as a namespace.
"""
