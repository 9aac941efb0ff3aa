"""d2l-cnn-grader: a test-driven grading kit for d2l-zh v2 §7.1–7.3 (AlexNet, VGG, NiN)."""
__version__ = "0.1.0"
