"""Text every sink can take: the last line of defence before anything prints, stores or exports a string.

The worker channel already refuses what is not plain text (grader.submission.wire); this repairs whatever reaches
a report by another way (an in-process submission's own strings, a check quoting a value), so that a lone
surrogate or a NUL can never crash the points table, the gradebook, a CSV file or a results.json.
"""


def clean(text):
    """`text` as a str that encodes as UTF-8: lone surrogates become '?', NUL characters are dropped."""
    text = text if type(text) is str else str(text)
    if text.isascii():
        return text.replace("\0", "")
    return text.encode("utf-8", "replace").decode("utf-8").replace("\0", "")


def clean_data(value):
    """Plain data (dicts, lists, strings, numbers) with every string and key cleaned; other values as text."""
    if isinstance(value, dict):
        return {clean(key): clean_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_data(item) for item in value]
    if value is None or type(value) in (bool, int, float):
        return value
    return clean(value)
