"""Autograder."""
