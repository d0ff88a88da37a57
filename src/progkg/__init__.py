"""progkg — a knowledge graph of French higher-education programmes, the skills they
certify and the careers they open."""

__version__ = "0.1.0"
