"""The rules of the standard and the guide, checked against loaded data."""
