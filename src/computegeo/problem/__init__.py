"""The optimisation problem's data (ProblemData), its builder and demand."""
