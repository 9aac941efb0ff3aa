"""Text measured in terminal columns: a CJK character takes two, a combining mark none (standard library only).

`display_width` is what `len` is for ASCII; `pad` aligns by it; `wrap` is `textwrap.wrap` by display width — the
same lines as textwrap for English text, and for Chinese a break between any two characters (no spaces needed),
never before closing punctuation such as ，。） nor after an opening one such as （, and never inside a
`backticked` identifier that fits on a line.
"""
import textwrap
import unicodedata

WHITESPACE = "\t\n\x0b\x0c\r "  # the whitespace textwrap breaks at (others, like U+3000, are characters)
# no line starts with these (closing punctuation), none ends with the openers (the usual Chinese line rules)
NO_START = set("，。、；：？！）》」』】〉〕〗〙〛］｝’”…—～·%,.;:!?)]}")
NO_END = set("（《「『【〈〔〖〘〚［｛‘“([{")
ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}
_WORDSEP = textwrap.TextWrapper.wordsep_re  # textwrap's own chunks of a Latin word (hyphenated parts)


def char_width(char):
    """Columns one character takes: 2 for East Asian wide/fullwidth, 0 for combining marks, else 1."""
    if char in ZERO_WIDTH or unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text):
    """Columns `text` takes in a terminal: "卷积层" is 6, "conv" is 4, "é" written e + U+0301 is 1."""
    return sum(char_width(char) for char in str(text))


def pad(text, width, align="<"):
    """`text` padded with spaces to `width` columns: align "<" (left), ">" (right) or "^" (centre); text that is
    already wider comes back unchanged."""
    text = str(text)
    space = max(0, width - display_width(text))
    if align in (">", "right"):
        return " " * space + text
    if align in ("^", "center", "centre"):
        return " " * (space // 2) + text + " " * (space - space // 2)
    if align in ("<", "left"):
        return text + " " * space
    raise ValueError(f"align must be '<', '>' or '^', not {align!r}")


def _is_wide(char):
    return char_width(char) == 2


def _is_closing(char):
    return char in NO_START and _is_wide(char)


def _pieces(word, code=True):
    """A whitespace-free word as [(kind, text)]: "code" (a closed `...` span, when `code`), "wide" (one CJK
    character) or "latin" (a run of anything else)."""
    pieces, i = [], 0
    while i < len(word):
        char = word[i]
        close = word.find("`", i + 1) if code and char == "`" else -1
        if close > i:
            pieces.append(("code", word[i:close + 1]))
            i = close + 1
        elif _is_wide(char):
            pieces.append(("wide", char))
            i += 1
        else:
            end = i + 1
            while end < len(word) and not (code and word[end] == "`") and not _is_wide(word[end]):
                end += 1
            pieces.append(("latin", word[i:end]))
            i = end
    return pieces


def _word_chunks(word, code=True):
    """A word (no breaking whitespace, though a code span may hold spaces) -> the chunks a line may break between."""
    units = []  # (kind, text)
    for kind, text in _pieces(word, code):
        if kind == "latin":
            units += [("latin", part) for part in _WORDSEP.split(text) if part]
        else:
            units.append((kind, text))
    chunks, previous = [], None
    for kind, text in units:
        if previous is None:
            chunks.append(text)
        elif kind == "latin" and previous == "latin":
            chunks.append(text)  # textwrap's own break (after a hyphen)
        elif text[0] in NO_START or chunks[-1][-1] in NO_END:
            chunks[-1] += text
        elif "wide" in (kind, previous):
            chunks.append(text)
        else:
            chunks[-1] += text  # `code` glued to the letters or punctuation around it
        previous = kind
    return chunks


def _split_words(text, code=True):
    """The text's words and whitespace runs; a closed `code span` (when `code`) belongs to its word, spaces and
    all."""
    parts, i, n = [], 0, len(text)
    while i < n:
        end = i
        if text[i] in WHITESPACE:
            while end < n and text[end] in WHITESPACE:
                end += 1
        else:
            while end < n and text[end] not in WHITESPACE:
                close = text.find("`", end + 1) if code and text[end] == "`" else -1
                end = close + 1 if close > end else end + 1
        parts.append(text[i:end])
        i = end
    return parts


def _chunks(text, room):
    """textwrap's chunks (whitespace runs, words, hyphenated parts), plus breaks between CJK characters; a code
    span wider than `room` columns is split at its spaces after all."""
    chunks = []
    for part in _split_words(text):
        if part.strip(WHITESPACE) == "":
            chunks.append(part)
            continue
        for chunk in _word_chunks(part):
            if display_width(chunk) > room and any(c in WHITESPACE for c in chunk):
                for piece in _split_words(chunk, code=False):  # too wide anyway: its spaces are breaks again
                    chunks += [piece] if piece.strip(WHITESPACE) == "" else _word_chunks(piece, code=False)
            else:
                chunks.append(chunk)
    return _keep_punctuation_on(chunks, room)


def _keep_punctuation_on(chunks, room):
    """A space before Chinese closing punctuation ("`x` ，") is no place to break either: glue the three (when
    they fit on a line together)."""
    out = []
    for chunk in chunks:
        if (len(out) >= 2 and _is_closing(chunk[0]) and out[-1].strip(WHITESPACE) == ""
                and out[-2].strip(WHITESPACE) != "" and display_width(out[-2] + out[-1] + chunk) <= room):
            space = out.pop()
            out[-1] += space + chunk
        else:
            out.append(chunk)
    return out


def _cut(chunk, space_left, line_empty):
    """Where to cut a chunk too wide for any line: as many characters as fit in `space_left` columns (after the
    last hyphen there, as textwrap does), at least one character on an empty line, never before a combining mark."""
    end, used = 0, 0
    while end < len(chunk) and used + char_width(chunk[end]) <= space_left:
        used += char_width(chunk[end])
        end += 1
    if end < len(chunk):
        hyphen = chunk.rfind("-", 0, end)
        if hyphen > 0 and any(c != "-" for c in chunk[:hyphen]):
            end = hyphen + 1
    if end < len(chunk) and _is_closing(chunk[end]):  # the next line would start with ，: take a character along
        back = end - 1
        while back > 0 and _is_closing(chunk[back]):
            back -= 1
        end = back or end
    if end == 0 and line_empty:
        end = 1
    while 0 < end < len(chunk) and char_width(chunk[end]) == 0:
        end += 1
    return end


def wrap(text, width=70, initial_indent="", subsequent_indent=""):
    """`text` as lines of at most `width` display columns, as `textwrap.wrap` makes them (tabs expanded, other
    whitespace made spaces, spaces dropped at line ends, over-long words broken), measured in columns: Chinese
    text breaks between any two characters, keeping closing punctuation off a line's start and opening punctuation
    off its end, and a `backticked` span stays whole when it fits on a line. Empty text gives []."""
    if width <= 0:
        raise ValueError(f"invalid width {width!r} (must be > 0)")
    text = str(text).expandtabs().translate({ord(c): " " for c in WHITESPACE})
    room = width - max(display_width(initial_indent), display_width(subsequent_indent))
    chunks = _chunks(text, max(room, 1))
    chunks.reverse()
    lines = []
    while chunks:
        cur_line, cur_len = [], 0
        indent = subsequent_indent if lines else initial_indent
        line_width = width - display_width(indent)
        if chunks[-1].strip() == "" and lines:
            del chunks[-1]
        while chunks:
            size = display_width(chunks[-1])
            if cur_len + size <= line_width:
                cur_line.append(chunks.pop())
                cur_len += size
            else:
                break
        if chunks and display_width(chunks[-1]) > line_width:
            space_left = 1 if line_width < 1 else line_width - cur_len
            chunk = chunks[-1]
            end = _cut(chunk, space_left, not cur_line)
            cur_line.append(chunk[:end] if end == len(chunk) else chunk[:end].rstrip(WHITESPACE) or chunk[:end])
            chunks[-1] = chunk[end:] if not cur_line[-1].strip() else chunk[end:].lstrip(WHITESPACE)
            if not chunks[-1]:
                chunks.pop()
        if cur_line and cur_line[-1].strip() == "":
            del cur_line[-1]
        if cur_line:
            lines.append(indent + "".join(cur_line))
    return lines
