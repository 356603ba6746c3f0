"""botagent: Interaction Dialer agent bots and a load-test harness for ICWS."""

__version__ = "0.1.0"
