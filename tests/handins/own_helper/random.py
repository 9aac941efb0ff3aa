# my experiments with random seeds
def seed(value):
    raise RuntimeError("the student's random.py was imported instead of the standard library's random")
