"""The training check: real Fashion-MNIST, a fast on-device loop, calibrated profiles, curve and record."""
