"""Transit Centre: daily work of IOM Mali's migrant transit centres."""

__version__ = "0.1.0"
