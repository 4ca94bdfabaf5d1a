// node-wasm.js — WebAssembly under node: instantiate a module in a loop,
// each time with a fresh WebAssembly.Memory (V8 reserves its guard
// regions, gigabytes of address space, and frees them when the memory is
// collected), run it, and print results that are the same on every run.
//
// The module (hand-assembled, no toolchain needed):
//   (memory (import "env" "mem") 1)
//   (func (export "fill") (param $n i32) (result i32)   ;; mem[i] = i*i, sum
//     (local $i i32) (local $s i32)
//     loop: mem[i*4] = i*i; s += i*i; i++; br_if i < n
//     s)
const str = (t) => [t.length, ...Buffer.from(t)];
const section = (id, body) => [id, body.length, ...body];    // bodies < 128 bytes
const code = [
  0x01, 0x02, 0x7f,                                 // 2 locals of i32: $i $s
  0x03, 0x40,                                       // loop
  0x20, 0x01, 0x41, 0x02, 0x74,                     //   i << 2
  0x20, 0x01, 0x20, 0x01, 0x6c,                     //   i * i
  0x36, 0x02, 0x00,                                 //   i32.store
  0x20, 0x02, 0x20, 0x01, 0x20, 0x01, 0x6c, 0x6a, 0x21, 0x02,  // s += i*i
  0x20, 0x01, 0x41, 0x01, 0x6a, 0x22, 0x01,         //   i = i + 1 (tee)
  0x20, 0x00, 0x48, 0x0d, 0x00,                     //   br_if i < n
  0x0b,                                             // end loop
  0x20, 0x02, 0x0b,                                 // s; end
];
const bytes = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,                   // magic, version
  ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7f]),                       // type (i32) -> i32
  ...section(2, [1, ...str("env"), ...str("mem"), 0x02, 0x00, 1]),  // import memory
  ...section(3, [1, 0]),                                            // func 0: type 0
  ...section(7, [1, ...str("fill"), 0x00, 0]),                      // export "fill"
  ...section(10, [1, code.length, ...code]),                        // code
]);

const iterations = Number(process.argv[2] || 200);
const mod = new WebAssembly.Module(bytes);
let total = 0;
for (let k = 0; k < iterations; k++) {
  const mem = new WebAssembly.Memory({ initial: 1, maximum: 16 });
  const inst = new WebAssembly.Instance(mod, { env: { mem } });
  total = (total + inst.exports.fill(1000 + (k % 7))) >>> 0;
  if (k % 50 === 0) mem.grow(1);
  if (k % 64 === 63 && global.gc) global.gc();
}
console.log(`instances: ${iterations}, checksum: ${total}`);
const m = new WebAssembly.Memory({ initial: 2 });
new WebAssembly.Instance(mod, { env: { mem: m } }).exports.fill(100);
console.log(`mem[99] = ${new Uint32Array(m.buffer)[99]}, pages = ${m.buffer.byteLength / 65536}`);
