"""Images: stereo pairs shipped with scikit-image (no downloads), and their statistics."""
