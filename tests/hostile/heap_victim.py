"""Not an attack: the submission graded just before heap_snoop.py. It prints a secret (with its notes around it)
while its file is read (in a class body, which runs then), then dies, so the grader records the printed text as
the reason its module failed."""
# attack: {"module": "counting", "task": "conv_output_size", "status": ["unreadable"], "sibling": null, "victim": true}
import os

class _Notes:
    print("my notes, not for anyone else:", "lorem ipsum " * 20, "my secret is {{SECRET}};", "dolor sit " * 20,
          flush=True)
    os._exit(3)
