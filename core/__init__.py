"""The bottom layer: settings, the error vocabulary, the unavailable-service signal and metric primitives.

Every other package may import core; core imports none of them.
"""
