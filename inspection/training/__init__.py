"""Training scripts (torch is a training-only dependency; the runtime needs only onnxruntime)."""
