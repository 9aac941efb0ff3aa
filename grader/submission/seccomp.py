"""A seccomp filter for the worker: no new sockets, no connect(), no io_uring, no file timestamps, no file handles.

Why these: a worker talks to the grader only over the socket it inherits, so it never needs socket() or
connect(). Without a network namespace that is what keeps UDP, raw sockets and unix-socket servers of the host
(`connect()` to a path, or `sendto()` from a new datagram socket) out of reach — Landlock covers TCP only.
io_uring could open sockets past the filter. utime()/utimensat() with no times need only write access, so they
would let a worker without a private /dev touch host files such as /dev/null. open_by_handle_at opens a file
past every path check (Landlock's included) for a worker that keeps CAP_DAC_READ_SEARCH. Everything else is
allowed; a refused call fails with EPERM (a PermissionError for Python code), it does not kill.
Linux x86_64 and aarch64; elsewhere `install()` reports nothing installed. Standard library only.
"""
import ctypes
import ctypes.util
import errno
import platform
import struct

PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
BPF_LD_W_ABS, BPF_JEQ_K, BPF_JGE_K, BPF_RET_K = 0x20, 0x15, 0x35, 0x06
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000
X32_SYSCALL_BIT = 0x40000000

# machine -> (AUDIT_ARCH_*, {refused syscall name: number})
ARCHITECTURES = {
    "x86_64": (0xC000003E, {"socket": 41, "connect": 42, "utime": 132, "utimes": 235, "futimesat": 261,
                            "utimensat": 280, "open_by_handle_at": 304, "io_uring_setup": 425}),
    "aarch64": (0xC00000B7, {"socket": 198, "connect": 203, "utimensat": 88, "open_by_handle_at": 266,
                             "io_uring_setup": 425}),
}

_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def _instruction(code, jump_true, jump_false, k):
    return struct.pack("=HBBI", code, jump_true, jump_false, k)


def program(machine=None):
    """The BPF program (bytes of `struct sock_filter`s) for `machine`, or None where it is not known."""
    machine = machine or platform.machine()
    if machine not in ARCHITECTURES:
        return None
    arch, numbers = ARCHITECTURES[machine]
    refuse = SECCOMP_RET_ERRNO | errno.EPERM
    body = [_instruction(BPF_LD_W_ABS, 0, 0, 0)]  # seccomp_data.nr
    if machine == "x86_64":  # the x32 ABI reaches the same calls under other numbers
        body.append(("jge", X32_SYSCALL_BIT))
    body += [("jeq", number) for number in numbers.values()]
    tests = len(body) - 1
    code = [_instruction(BPF_LD_W_ABS, 0, 0, 4),          # seccomp_data.arch: another ABI (int 0x80) is refused
            _instruction(BPF_JEQ_K, 1, 0, arch),
            _instruction(BPF_RET_K, 0, 0, refuse), body[0]]
    for index, (test, value) in enumerate(body[1:]):
        to_refuse = tests - index  # jump over the remaining tests and the ALLOW
        code.append(_instruction(BPF_JGE_K if test == "jge" else BPF_JEQ_K, to_refuse, 0, value))
    code += [_instruction(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW), _instruction(BPF_RET_K, 0, 0, refuse)]
    return b"".join(code)


def install():
    """Install the filter on this process and its future children (needs no_new_privs); -> True when active."""
    code = program()
    if code is None:
        return False
    filters = ctypes.create_string_buffer(code, len(code))
    fprog = struct.pack("HxxxxxxP", len(code) // 8, ctypes.addressof(filters))
    result = _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.c_char_p(fprog), 0, 0)
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"seccomp filter refused: {errno.errorcode.get(code, code)}")
    return True
