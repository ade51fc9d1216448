"""Models stage: trainable estimators and the artifacts they are saved as.

Owns feature extraction that needs fitted state (TF-IDF vocabularies), the linear
heads that turn features into label probabilities, blending, threshold
calibration, and saving/loading artifacts as plain ``.npz`` arrays plus a JSON
manifest (no pickles, so artifacts load across library versions). Estimators follow
scikit-learn's ``fit`` / ``predict_proba`` convention. It does not read files of
articles or decide how results are presented: that is ``io`` and ``pipeline``.
"""
