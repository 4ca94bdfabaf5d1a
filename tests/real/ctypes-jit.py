# ctypes-jit.py — python3 as a JIT: machine code written into an mmap'ed
# page, called through ctypes, rewritten in place and called again, then
# moved to a fresh page with W^X (RW to write, RX to run).
import ctypes, mmap

def code(v):
    return b"\xb8" + v.to_bytes(4, "little") + b"\xc3"      # mov eax, v; ret

buf = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
addr = ctypes.addressof(ctypes.c_char.from_buffer(buf))
fn = ctypes.CFUNCTYPE(ctypes.c_int)(addr)
seen = []
for v in (7, 42, 1234567):
    buf[0:6] = code(v)
    seen.append(fn())
print("rwx rewrites:", seen)

libc = ctypes.CDLL(None)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
p = libc.mmap(None, 4096, 3, 0x22, -1, 0)                 # RW, private anonymous
seen = []
for v in (1, 2, 3):
    libc.mprotect(p, 4096, 3)                               # RW
    ctypes.memmove(p, code(v * 100), 6)
    libc.mprotect(p, 4096, 5)                               # RX
    seen.append(ctypes.CFUNCTYPE(ctypes.c_int)(p)())
print("w^x rewrites:", seen)
