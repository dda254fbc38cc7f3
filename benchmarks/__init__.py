"""Performance benchmarks: `make bench` (python -m benchmarks).

Each benchmark is a function listed in ``benchmarks.__main__._registered`` that takes the
demo users and prints ``name: value`` lines; they run in order against one
throwaway database that the runner creates and drops.
"""
