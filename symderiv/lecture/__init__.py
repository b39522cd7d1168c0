"""The document toolkit: the blocks a lecture document is written in (prose, equations, claims,
figures), the checks documents use in their claims, and the figures they compute."""
