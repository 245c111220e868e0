"""Answering SPARQL queries: checks on the text, answers capped and serialised, worker processes under a deadline, kept answers. No web code here."""
