"""Tools around the SDK: the ``aiotim`` command (cli), the demo, the doctor, the network guard."""
