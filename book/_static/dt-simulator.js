// 指标模拟器: the indicator method of dtbook/indicators.py, run in the browser on the published data.
//
// The page module (dtbook/pages/simulator.py) writes the data (downloads/simulator/dt-simulator-data.js, loaded
// with a <script> tag so that it works from file://) and the mount points: <div class="dt-sim" data-dt-sim=...>.
// Everything is computed here, nothing is sent anywhere. Data text is only ever set as textContent.
//
// The computation follows dtbook/indicators.py and dtbook/scenarios.py step for step: cell scores, composite
// (rounded to 9 decimals), ranks, the uncertainty simulation with numpy's PCG64 random sequence from the book's
// seed (the same draws in the same order, so the first N draws are the book's first N), pairwise shares, tiers,
// recommendations and each change's contribution. A test drives this file in Chromium and compares it with
// Python over random scenarios.
(function () {
  "use strict";

  var SCORING = ["max", "sum"];
  var MISSING = ["zero", "skip", "mean", "min"];
  var AGGREGATION = ["arithmetic", "group", "geometric"];
  var GEOMETRIC_FLOOR = 1.0;
  var FORMAT = "dtbook-indicator-scenario";
  var VERSION = 1;
  var HYP = "~hyp-";
  var HYP_QUOTE = "（假设）";
  var MAX_NOTE = 200;
  var MAX_ADDED = 200;

  // ------------------------------------------------------------------ numpy's PCG64 (XSL-RR 128/64)
  // 128-bit numbers in 24-bit limbs (little-endian, the last one 8 bits): every product of two limbs and every
  // sum of them stays below 2^53, so plain numbers compute them exactly.
  var MULT = [0xccf645, 0xdf649f, 0xa44385, 0x1fc65d, 0x60ed05, 0x23]; // PCG's default 128-bit multiplier
  var TWO24 = 16777216;
  var INV24 = 1 / TWO24; // exact: multiplying by it divides without rounding
  var TWO32 = 4294967296;
  var INV32 = 1 / TWO32;

  function limbs(hex) {
    hex = ("0".repeat(32) + hex).slice(-32);
    var out = new Float64Array(6);
    for (var i = 0; i < 6; i++) out[i] = parseInt(hex.slice(Math.max(0, 26 - 6 * i), 32 - 6 * i), 16);
    return out;
  }

  function Pcg(state, inc) {
    this.s = limbs(state);
    this.c = limbs(inc);
    this.hi = 0;
    this.lo = 0;
    this.has = false; // numpy keeps the upper half of a 64-bit draw for the next 32-bit one
    this.u = 0;
  }
  Pcg.prototype.next64 = function () {
    // state = state * MULT + inc (mod 2^128), limb by limb: the hot loop of the simulation
    var s = this.s, c = this.c, s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3], s4 = s[4];
    var a = c[0] + s0 * 0xccf645, q = Math.floor(a * INV24), r0 = a - q * TWO24;
    a = q + c[1] + s0 * 0xdf649f + s1 * 0xccf645;
    q = Math.floor(a * INV24);
    var r1 = a - q * TWO24;
    a = q + c[2] + s0 * 0xa44385 + s1 * 0xdf649f + s2 * 0xccf645;
    q = Math.floor(a * INV24);
    var r2 = a - q * TWO24;
    a = q + c[3] + s0 * 0x1fc65d + s1 * 0xa44385 + s2 * 0xdf649f + s3 * 0xccf645;
    q = Math.floor(a * INV24);
    var r3 = a - q * TWO24;
    a = q + c[4] + s0 * 0x60ed05 + s1 * 0x1fc65d + s2 * 0xa44385 + s3 * 0xdf649f + s4 * 0xccf645;
    q = Math.floor(a * INV24);
    var r4 = a - q * TWO24;
    a = q + c[5] + s0 * 0x23 + s1 * 0x60ed05 + s2 * 0x1fc65d + s3 * 0xa44385 + s4 * 0xdf649f + s[5] * 0xccf645;
    var r5 = a - Math.floor(a * 0.00390625) * 256; // a mod 256, without the slow %
    s[0] = r0;
    s[1] = r1;
    s[2] = r2;
    s[3] = r3;
    s[4] = r4;
    s[5] = r5;
    // output (XSL-RR): the state's two 64-bit halves xor-ed, rotated right by its top six bits
    var xh = (r4 | (r5 << 24)) ^ ((r1 >>> 8) | ((r2 & 0xffff) << 16));
    var xl = ((r2 >>> 16) | (r3 << 8)) ^ (r0 | ((r1 & 0xff) << 24));
    var r = r5 >>> 2;
    if (r >= 32) {
      var x = xh;
      xh = xl;
      xl = x;
      r -= 32;
    }
    if (r) {
      var h = (xh >>> r) | (xl << (32 - r));
      xl = (xl >>> r) | (xh << (32 - r));
      xh = h;
    }
    this.hi = xh >>> 0;
    this.lo = xl >>> 0;
  };
  Pcg.prototype.next32 = function () {
    if (this.has) {
      this.has = false;
      return this.u;
    }
    this.next64();
    this.has = true;
    this.u = this.hi;
    return this.lo;
  };
  Pcg.prototype.double = function () {
    this.next64();
    return (this.hi * 2097152 + (this.lo >>> 11)) * 1.1102230246251565e-16; // (x >> 11) / 2^53, exactly
  };
  // Generator.integers(k): Lemire's method on 32 bits, as numpy does for ranges below 2^32.
  // (For k a power of two nothing is ever rejected and the answer is the top bits: the common case, made fast.)
  Pcg.prototype.below = function (k) {
    if (k === 1) return 0;
    if (k === 2) return this.next32() >>> 31;
    if (k === 4) return this.next32() >>> 30;
    var m = this.next32() * k, high = Math.floor(m * INV32), left = m - high * TWO32;
    if (left < k) {
      var threshold = (TWO32 - k) % k;
      while (left < threshold) {
        m = this.next32() * k;
        high = Math.floor(m * INV32);
        left = m - high * TWO32;
      }
    }
    return high;
  };

  // The noise of one draw, in numpy's order: a double per item (kept?), a double per item (moved?), a 32-bit draw per
  // item (step down or up: Generator.choice([-1, 1]), that is integers(2), the top bit).
  Pcg.prototype.noise = function (n) {
    if (!this.buf || this.buf.n < n) this.buf = { n: n, keep: new Float64Array(n), moved: new Float64Array(n), up: new Uint8Array(n) };
    var b = this.buf, i;
    for (i = 0; i < n; i++) b.keep[i] = this.double();
    for (i = 0; i < n; i++) b.moved[i] = this.double();
    for (i = 0; i < n; i++) b.up[i] = this.next32() >>> 31;
    return b;
  };

  // The same generator in WebAssembly, several times faster: 128-bit arithmetic in 64-bit integers, the noise of a
  // draw written in bulk into its memory. Hand-assembled (the instructions are named beside their bytes); the
  // generator above is used where WebAssembly is not available, and a test checks that both give the same draws.
  var WASM = [
    // magic and version
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    // types
    0x01, 0x1d, 0x05, 0x60, 0x00, 0x01, 0x7e, 0x60, 0x00, 0x01, 0x7c, 0x60, 0x00, 0x01, 0x7f, 0x60,
    0x08, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00, 0x60, 0x02, 0x7f, 0x7f, 0x00,
    // functions
    0x03, 0x07, 0x06, 0x00, 0x01, 0x02, 0x03, 0x04, 0x04,
    // memory: one page to start
    0x05, 0x03, 0x01, 0x00, 0x01,
    // globals: state hi, lo; increment hi, lo; a kept 32-bit half?, the half
    0x06, 0x1f, 0x06, 0x7e, 0x01, 0x42, 0x00, 0x0b, 0x7e, 0x01, 0x42, 0x00, 0x0b, 0x7e, 0x01, 0x42,
    0x00, 0x0b, 0x7e, 0x01, 0x42, 0x00, 0x0b, 0x7f, 0x01, 0x41, 0x00, 0x0b, 0x7f, 0x01, 0x41, 0x00,
    0x0b,
    // exports
    0x07, 0x34, 0x06, 0x06, 0x64, 0x6f, 0x75, 0x62, 0x6c, 0x65, 0x00, 0x01, 0x06, 0x6e, 0x65, 0x78,
    0x74, 0x33, 0x32, 0x00, 0x02, 0x04, 0x73, 0x65, 0x65, 0x64, 0x00, 0x03, 0x07, 0x64, 0x6f, 0x75,
    0x62, 0x6c, 0x65, 0x73, 0x00, 0x04, 0x04, 0x62, 0x69, 0x74, 0x73, 0x00, 0x05, 0x06, 0x6d, 0x65,
    0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00,
    // code
    0x0a, 0xff, 0x02, 0x06,
    // next64: size, locals
    0xc0, 0x01, 0x01, 0x08, 0x7e,
    0x23, 0x01, 0x21, 0x00, 0x23, 0x00, 0x21, 0x01, // global.get 1; local.set 0; global.get 0; local.set 1
    0x20, 0x00, 0x42, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x83, 0x21, 0x02, // local.get 0; i64.const 0xffffffff; i64.and; local.set 2
    0x20, 0x00, 0x42, 0x20, 0x88, 0x21, 0x03, // local.get 0; i64.const 32; i64.shr_u; local.set 3
    0x20, 0x02, 0x42, 0xe4, 0xbe, 0x97, 0x9c, 0x04, 0x7e, 0x21, 0x04, // local.get 2; i64.const 0x4385df64; i64.mul; local.set 4
    0x20, 0x03, 0x42, 0xc5, 0xec, 0xb3, 0xfe, 0x09, 0x7e, 0x21, 0x05, // local.get 3; i64.const 0x9fccf645; i64.mul; local.set 5
    0x20, 0x03, 0x42, 0xe4, 0xbe, 0x97, 0x9c, 0x04, 0x7e, 0x20, 0x04, // local.get 3; i64.const 0x4385df64; i64.mul; local.get 4
    0x42, 0x20, 0x88, 0x7c, 0x20, 0x05, // i64.const 32; i64.shr_u; i64.add; local.get 5
    0x42, 0x20, 0x88, 0x7c, 0x20, 0x02, // i64.const 32; i64.shr_u; i64.add; local.get 2
    0x42, 0xc5, 0xec, 0xb3, 0xfe, 0x09, 0x7e, 0x42, 0x20, 0x88, // i64.const 0x9fccf645; i64.mul; i64.const 32; i64.shr_u
    0x20, 0x04, 0x42, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x83, 0x7c, // local.get 4; i64.const 0xffffffff; i64.and; i64.add
    0x20, 0x05, 0x42, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x83, 0x7c, // local.get 5; i64.const 0xffffffff; i64.and; i64.add
    0x42, 0x20, 0x88, 0x7c, 0x20, 0x01, // i64.const 32; i64.shr_u; i64.add; local.get 1
    0x42, 0xc5, 0xec, 0xb3, 0xfe, 0xc9, 0xec, 0xf7, 0xc2, 0xc3, 0x00, 0x7e, 0x7c, 0x20, 0x00, // i64.const 0x4385df649fccf645; i64.mul; i64.add; local.get 0
    0x42, 0xa4, 0xbb, 0x99, 0xfe, 0xd1, 0xa0, 0xbb, 0xb0, 0x23, 0x7e, 0x7c, 0x23, 0x02, // i64.const 0x2360ed051fc65da4; i64.mul; i64.add; global.get 2
    0x7c, 0x21, 0x07, 0x20, 0x00, 0x42, 0xc5, 0xec, 0xb3, 0xfe, 0xc9, 0xec, 0xf7, 0xc2, 0xc3, 0x00, // i64.add; local.set 7; local.get 0; i64.const 0x4385df649fccf645
    0x7e, 0x23, 0x03, 0x7c, 0x21, 0x06, // i64.mul; global.get 3; i64.add; local.set 6
    0x20, 0x07, 0x20, 0x06, 0x23, 0x03, 0x54, // local.get 7; local.get 6; global.get 3; i64.lt_u
    0xad, 0x7c, 0x21, 0x07, 0x20, 0x07, // i64.extend_i32_u; i64.add; local.set 7; local.get 7
    0x24, 0x00, 0x20, 0x06, 0x24, 0x01, 0x20, 0x07, // global.set 0; local.get 6; global.set 1; local.get 7
    0x20, 0x06, 0x85, 0x20, 0x07, 0x42, 0x3a, // local.get 6; i64.xor; local.get 7; i64.const 58
    0x88, 0x8a, 0x0b, // i64.shr_u; i64.rotr; end
    // double: size, locals
    0x12, 0x00,
    0x10, 0x00, 0x42, 0x0b, 0x88, 0xba, // call 0; i64.const 11; i64.shr_u; f64.convert_i64_u
    0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x3c, 0xa2, 0x0b, // f64.const 1.1102230246251565e-16; f64.mul; end
    // next32: size, locals
    0x21, 0x01, 0x01, 0x7e,
    0x23, 0x04, 0x04, 0x7f, 0x41, 0x00, 0x24, 0x04, // global.get 4; if.i32; i32.const 0; global.set 4
    0x23, 0x05, 0x05, 0x10, 0x00, 0x22, 0x00, // global.get 5; else; call 0; local.tee 0
    0x42, 0x20, 0x88, 0xa7, 0x24, 0x05, // i64.const 32; i64.shr_u; i32.wrap_i64; global.set 5
    0x41, 0x01, 0x24, 0x04, 0x20, 0x00, 0xa7, // i32.const 1; global.set 4; local.get 0; i32.wrap_i64
    0x0b, // end
    0x0b, // end
    // seed: size, locals
    0x36, 0x00,
    0x20, 0x00, 0xad, 0x42, 0x20, 0x86, // local.get 0; i64.extend_i32_u; i64.const 32; i64.shl
    0x20, 0x01, 0xad, 0x84, 0x24, 0x00, // local.get 1; i64.extend_i32_u; i64.or; global.set 0
    0x20, 0x02, 0xad, 0x42, 0x20, 0x86, // local.get 2; i64.extend_i32_u; i64.const 32; i64.shl
    0x20, 0x03, 0xad, 0x84, 0x24, 0x01, // local.get 3; i64.extend_i32_u; i64.or; global.set 1
    0x20, 0x04, 0xad, 0x42, 0x20, 0x86, // local.get 4; i64.extend_i32_u; i64.const 32; i64.shl
    0x20, 0x05, 0xad, 0x84, 0x24, 0x02, // local.get 5; i64.extend_i32_u; i64.or; global.set 2
    0x20, 0x06, 0xad, 0x42, 0x20, 0x86, // local.get 6; i64.extend_i32_u; i64.const 32; i64.shl
    0x20, 0x07, 0xad, 0x84, 0x24, 0x03, // local.get 7; i64.extend_i32_u; i64.or; global.set 3
    0x41, 0x00, 0x24, 0x04, 0x0b, // i32.const 0; global.set 4; end
    // doubles: size, locals
    0x27, 0x01, 0x01, 0x7f,
    0x02, 0x40, 0x03, 0x40, 0x20, 0x02, 0x20, 0x01, // block; loop; local.get 2; local.get 1
    0x4f, 0x0d, 0x01, 0x20, 0x00, 0x20, 0x02, // i32.ge_u; br.if 1; local.get 0; local.get 2
    0x41, 0x03, 0x74, 0x6a, 0x10, 0x01, // i32.const 3; i32.shl; i32.add; call 1
    0x39, 0x03, 0x00, 0x20, 0x02, 0x41, 0x01, 0x6a, // f64.store; local.get 2; i32.const 1; i32.add
    0x21, 0x02, 0x0c, 0x00, 0x0b, // local.set 2; br 0; end
    0x0b, // end
    0x0b, // end
    // bits: size, locals
    0x27, 0x01, 0x01, 0x7f,
    0x02, 0x40, 0x03, 0x40, 0x20, 0x02, 0x20, 0x01, // block; loop; local.get 2; local.get 1
    0x4f, 0x0d, 0x01, 0x20, 0x00, 0x20, 0x02, // i32.ge_u; br.if 1; local.get 0; local.get 2
    0x6a, 0x10, 0x02, 0x41, 0x1f, 0x76, // i32.add; call 2; i32.const 31; i32.shr_u
    0x3a, 0x00, 0x00, 0x20, 0x02, 0x41, 0x01, 0x6a, // i32.store8; local.get 2; i32.const 1; i32.add
    0x21, 0x02, 0x0c, 0x00, 0x0b, // local.set 2; br 0; end
    0x0b, // end
    0x0b, // end
  ];
  var wasmModule = null;

  function WasmPcg(state, inc) {
    if (wasmModule === null) {
      wasmModule = typeof WebAssembly === "object" ? new WebAssembly.Module(new Uint8Array(WASM)) : false;
    }
    if (!wasmModule) throw new Error("no WebAssembly");
    this.x = new WebAssembly.Instance(wasmModule).exports;
    var s = ("0".repeat(32) + state).slice(-32), c = ("0".repeat(32) + inc).slice(-32), words = [];
    for (var i = 0; i < 4; i++) words.push(parseInt(s.slice(8 * i, 8 * i + 8), 16) | 0);
    for (i = 0; i < 4; i++) words.push(parseInt(c.slice(8 * i, 8 * i + 8), 16) | 0);
    this.x.seed.apply(null, words);
  }
  WasmPcg.prototype.next32 = function () {
    return this.x.next32() >>> 0;
  };
  WasmPcg.prototype.double = function () {
    return this.x.double();
  };
  WasmPcg.prototype.below = Pcg.prototype.below;
  WasmPcg.prototype.noise = function (n) {
    var memory = this.x.memory, need = Math.ceil((17 * n + 8) / 65536) - memory.buffer.byteLength / 65536;
    if (need > 0) memory.grow(need);
    this.x.doubles(0, n);
    this.x.doubles(8 * n, n);
    this.x.bits(16 * n, n);
    var buffer = memory.buffer;
    return { keep: new Float64Array(buffer, 0, n), moved: new Float64Array(buffer, 8 * n, n), up: new Uint8Array(buffer, 16 * n, n) };
  };

  // numpy's generator from the book's seed: WebAssembly if the browser has it (api.wasm = false: never).
  function generator(state, inc) {
    if (api.wasm !== false) {
      try {
        return new WasmPcg(state, inc);
      } catch (err) {
        wasmModule = false;
      }
    }
    return new Pcg(state, inc);
  }

  // ------------------------------------------------------------------ the method

  // np.round(x, 9): rint(x * 1e9) / 1e9, halves to even.
  function round9(x) {
    if (x !== x) return x;
    var y = x * 1e9, r = Math.round(y);
    if (y - Math.floor(y) === 0.5) r = 2 * Math.round(y / 2);
    return r / 1e9;
  }

  function Model(data) {
    var m = this;
    m.data = data;
    m.settings = data.settings;
    m.rng = data.rng;
    m.groups = data.groups.map(function (g) { return { id: g[0], name: g[1] }; });
    m.elements = data.elements.map(function (e, i) {
      return { id: e[0], name: e[1], group: e[2], weight: e[3], index: i };
    });
    m.bases = data.bases.map(function (b, i) { return { id: b[0], name: b[1], index: i }; });
    m.evidence = data.evidence.map(function (e, i) {
      return { id: e[0], base: e[1], element: e[2], strength: e[3], shows: e[4], quote: e[5], index: i };
    });
    m.baseIndex = index(m.bases);
    m.elementIndex = index(m.elements);
    m.groupIndex = index(m.groups);
    m.evidenceIndex = index(m.evidence);
    m.nB = m.bases.length;
    m.nE = m.elements.length;
    // groups in order of first appearance among the elements (as indicators._composite takes them)
    m.groupOrder = [];
    m.elements.forEach(function (e) {
      if (m.groupOrder.indexOf(e.group) < 0) m.groupOrder.push(e.group);
    });
    m.groupMembers = m.groupOrder.map(function (g) {
      return m.elements.filter(function (e) { return e.group === g; }).map(function (e) { return e.index; });
    });
  }

  function index(list) {
    var out = Object.create(null);
    list.forEach(function (item, i) { out[item.id] = i; });
    return out;
  }

  Model.prototype.published = function () {
    var m = this, weights = {}, groups = {};
    m.elements.forEach(function (e) { weights[e.id] = e.weight; });
    m.groups.forEach(function (g) { groups[g.id] = 1; });
    return {
      scoring: "max",
      saturation: m.settings.saturation,
      missing: "zero",
      aggregation: "arithmetic",
      weights: weights,
      group_weights: groups,
      draws: m.settings.uncertainty_draws,
      off: [],
      added: [],
    };
  };

  Model.prototype.weightsOf = function (state) {
    var w = new Float64Array(this.nE);
    this.elements.forEach(function (e, i) { w[i] = state.weights[e.id] * state.group_weights[e.group]; });
    return w;
  };

  // The scored items: published ones not switched off (data order), then the added ones.
  Model.prototype.items = function (state) {
    var m = this, off = Object.create(null), list = [];
    state.off.forEach(function (id) { off[id] = true; });
    m.evidence.forEach(function (e) {
      if (!off[e.id]) list.push({ id: e.id, b: m.baseIndex[e.base], e: m.elementIndex[e.element], s: e.strength, quote: e.quote });
    });
    state.added.forEach(function (a, i) {
      list.push({ id: HYP + (i + 1), b: m.baseIndex[a.base_id], e: m.elementIndex[a.element_id], s: a.strength,
                  quote: HYP_QUOTE + a.note, hyp: true });
    });
    return list;
  };

  // indicators._cell_scores: bases × elements, NaN where a base has no item for the element.
  function cellScores(nB, nE, b, e, s, n, scoring, saturation, out, count) {
    var size = nB * nE, i;
    for (i = 0; i < size; i++) {
      out[i] = 0;
      count[i] = 0;
    }
    if (scoring === "max") {
      for (i = 0; i < n; i++) {
        var c = b[i] * nE + e[i];
        count[c]++;
        if (s[i] > out[c]) out[c] = s[i];
      }
      for (i = 0; i < size; i++) out[i] = count[i] ? (100 * out[i]) / 3 : NaN;
    } else {
      for (i = 0; i < n; i++) {
        var d = b[i] * nE + e[i];
        count[d]++;
        out[d] += s[i];
      }
      for (i = 0; i < size; i++) out[i] = count[i] ? (100 * Math.min(out[i], saturation)) / saturation : NaN;
    }
    return out;
  }

  // indicators._weighted_mean over the listed columns of one row.
  function weightedMean(values, row, nE, columns, weights) {
    var used = 0, total = 0;
    for (var k = 0; k < columns.length; k++) {
      var j = columns[k], v = values[row * nE + j];
      if (v === v) {
        used += weights[j];
        total += v * weights[j];
      }
    }
    return used > 0 ? total / used : NaN;
  }

  // indicators.composite: one value per base, rounded to 9 decimals. Scratch arrays are kept on the model: the
  // simulation calls this once per draw.
  Model.prototype.composite = function (scores, weights, missing, aggregation, out) {
    var nB = this.nB, nE = this.nE, size = nB * nE, filled = scores, b, j, v;
    if (!this.scratch || this.scratch.size !== size) {
      this.scratch = { size: size, filled: new Float64Array(size), logs: new Float64Array(size), column: new Float64Array(nE) };
    }
    if (missing !== "skip") {
      var column = this.scratch.column;
      for (j = 0; j < nE; j++) {
        var sum = 0, n = 0, low = Infinity;
        if (missing !== "zero") {
          for (b = 0; b < nB; b++) {
            v = scores[b * nE + j];
            if (v === v) {
              sum += v;
              n++;
              if (v < low) low = v;
            }
          }
        }
        column[j] = n ? (missing === "mean" ? sum / n : low) : 0;
      }
      filled = this.scratch.filled;
      for (j = 0; j < size; j++) {
        v = scores[j];
        filled[j] = v === v ? v : column[j % nE];
      }
    }
    if (aggregation === "geometric") {
      var logs = this.scratch.logs;
      for (j = 0; j < size; j++) logs[j] = Math.log(Math.max(filled[j], GEOMETRIC_FLOOR));
      filled = logs;
    }
    var all = this.allColumns || (this.allColumns = this.elements.map(function (e) { return e.index; }));
    for (b = 0; b < nB; b++) {
      if (aggregation === "group") {
        var total = 0, count = 0;
        for (var g = 0; g < this.groupMembers.length; g++) {
          v = weightedMean(filled, b, nE, this.groupMembers[g], weights);
          if (v === v) {
            total += v;
            count++;
          }
        }
        v = count ? total / count : NaN;
      } else {
        v = weightedMean(filled, b, nE, all, weights);
        if (aggregation === "geometric") v = Math.exp(v);
      }
      out[b] = round9(v);
    }
    return out;
  };

  // indicators.rank_desc / rank_rows: 1 + the number of bases strictly ahead; no value ranks last.
  // (Counted in a sorted copy: the number ahead of a value is how many sorted values lie above it.)
  var rankScratch = { n: -1 };
  function ranks(values, n, out, offset) {
    if (rankScratch.n !== n) rankScratch = { n: n, clean: new Float64Array(n), sorted: new Float64Array(n) };
    var clean = rankScratch.clean, sorted = rankScratch.sorted, i;
    for (i = 0; i < n; i++) clean[i] = sorted[i] = values[i] === values[i] ? values[i] : -Infinity;
    sorted.sort();
    for (i = 0; i < n; i++) {
      var v = clean[i], low = 0, high = n; // the first sorted value above v
      while (low < high) {
        var mid = (low + high) >>> 1;
        if (sorted[mid] > v) high = mid;
        else low = mid + 1;
      }
      out[offset + i] = 1 + n - low;
    }
    return out;
  }

  // Cell scores, composites and ranks of a scenario, without the simulation.
  Model.prototype.point = function (state, items) {
    var m = this, nB = m.nB, nE = m.nE;
    items = items || m.items(state);
    var n = items.length, b = new Int32Array(n), e = new Int32Array(n), s = new Float64Array(n);
    items.forEach(function (it, i) {
      b[i] = it.b;
      e[i] = it.e;
      s[i] = it.s;
    });
    var scores = cellScores(nB, nE, b, e, s, n, state.scoring, state.saturation, new Float64Array(nB * nE),
                            new Float64Array(nB * nE));
    var values = m.composite(scores, m.weightsOf(state), state.missing, state.aggregation, new Float64Array(nB));
    return { scores: scores, values: values, ranks: ranks(values, nB, new Int32Array(nB), 0), items: items };
  };

  // indicators.simulate: draws × bases ranks; every modelling choice sampled at once, from the book's seed.
  Model.prototype.simulate = function (state, items, draws) {
    var m = this, nB = m.nB, nE = m.nE, st = m.settings, n = items.length;
    var rng = generator(m.rng.state, m.rng.inc);
    m.generatorKind = rng instanceof WasmPcg ? "wasm" : "js";
    var sats = [state.saturation / 2, state.saturation, state.saturation * 1.5];
    var base = m.weightsOf(state), w = new Float64Array(nE);
    var b = new Int32Array(n), e = new Int32Array(n), s = new Float64Array(n);
    var kb = new Int32Array(n), ke = new Int32Array(n), ks = new Float64Array(n);
    items.forEach(function (it, i) {
      b[i] = it.b;
      e[i] = it.e;
      s[i] = it.s;
    });
    var scores = new Float64Array(nB * nE), count = new Float64Array(nB * nE), values = new Float64Array(nB);
    var out = new Int32Array(draws * nB);
    for (var d = 0; d < draws; d++) {
      var scoring = SCORING[rng.below(2)];
      var saturation = sats[rng.below(3)];
      var missing = MISSING[rng.below(4)];
      var aggregation = AGGREGATION[rng.below(3)];
      var i;
      for (i = 0; i < nE; i++) w[i] = base[i] * (2 * rng.double());
      var noise = rng.noise(n), drop = st.noise_drop, shift = st.noise_shift, k = 0;
      for (i = 0; i < n; i++) {
        if (noise.keep[i] >= drop) {
          var v = noise.moved[i] < shift ? s[i] + (noise.up[i] ? 1 : -1) : s[i];
          kb[k] = b[i];
          ke[k] = e[i];
          ks[k] = v < 1 ? 1 : v > 3 ? 3 : v;
          k++;
        }
      }
      cellScores(nB, nE, kb, ke, ks, k, scoring, saturation, scores, count);
      m.composite(scores, w, missing, aggregation, values);
      ranks(values, nB, out, d * nB);
    }
    return out;
  };

  // Median rank and 5–95% band per base (np.median; np.percentile with method lower / higher).
  function bands(draws, nB, n) {
    var out = [], column = new Int32Array(n);
    for (var b = 0; b < nB; b++) {
      for (var d = 0; d < n; d++) column[d] = draws[d * nB + b];
      column.sort();
      var median = n % 2 ? column[(n - 1) / 2] : (column[n / 2 - 1] + column[n / 2]) / 2;
      out.push({ median: median, p05: column[Math.floor((n - 1) * 0.05)], p95: column[Math.ceil((n - 1) * 0.95)] });
    }
    return out;
  }

  // indicators.pairwise for one pair: share of draws in which a ranks above b, a tie counting half.
  function above(draws, nB, n, a, b) {
    var lt = 0, eq = 0;
    for (var d = 0; d < n; d++) {
      var ra = draws[d * nB + a], rb = draws[d * nB + b];
      if (ra < rb) lt++;
      else if (ra === rb) eq++;
    }
    return lt / n + 0.5 * (eq / n);
  }

  // indicators.tiers: best first by median rank (then composite); a new tier opens when the current leader
  // ranks above the base in at least `threshold` of the draws.
  function tiers(order, draws, nB, n, threshold) {
    var tierOf = {}, leader = null, top = 0;
    order.forEach(function (b) {
      if (leader === null || above(draws, nB, n, leader, b) >= threshold) leader = b;
      if (tierOf[leader] === undefined) tierOf[leader] = ++top;
      tierOf[b] = tierOf[leader];
    });
    return tierOf;
  }

  // indicators.recommendations under the scenario's levels and weights.
  Model.prototype.recommendations = function (levels, weights, items) {
    var m = this, st = m.settings, out = [], strongest = {};
    items.forEach(function (it) {
      var key = it.b * m.nE + it.e, best = strongest[key];
      if (!best || it.s > best.s || (it.s === best.s && it.id < best.id)) strongest[key] = it;
    });
    m.bases.forEach(function (base) {
      var open = [];
      m.elements.forEach(function (el) {
        var level = levels[base.index * m.nE + el.index];
        if (level <= 1) open.push({ el: el, level: level, weight: weights[el.index] });
      });
      open.sort(function (x, y) {
        return x.level - y.level || y.weight - x.weight || x.el.index - y.el.index;
      });
      open.slice(0, st.max_recommendations).forEach(function (o, i) {
        var trigger = o.level === 0
          ? "报告第二部分未述及" + base.name + "在“" + o.el.name + "”方面的做法（按编码规则无证据）"
          : "报告对" + base.name + "在“" + o.el.name + "”方面只有方向性表述：“" +
            strongest[base.index * m.nE + o.el.index].quote + "”";
        out.push({
          base_id: base.id,
          priority: i + 1,
          element_id: o.el.id,
          element_name: o.el.name,
          kind: o.level === 0 ? "missing" : "direction",
          trigger: trigger,
          actions: m.data.actions[o.el.id] || "",
        });
      });
    });
    return out;
  };

  // The scenario's changes one at a time in a fixed order (dtbook.scenarios.steps).
  Model.prototype.steps = function (state) {
    var m = this, current = m.published(), out = [];
    function step(key, change) {
      current = Object.assign({}, current, change);
      out.push({ key: key, state: current });
    }
    ["scoring", "saturation", "missing", "aggregation"].forEach(function (name) {
      if (state[name] !== current[name]) step(name, pick(name, state[name]));
    });
    m.groups.forEach(function (g) {
      if (state.group_weights[g.id] !== current.group_weights[g.id]) {
        step("group_weight:" + g.id, { group_weights: with1(current.group_weights, g.id, state.group_weights[g.id]) });
      }
    });
    m.elements.forEach(function (e) {
      if (state.weights[e.id] !== current.weights[e.id]) {
        step("weight:" + e.id, { weights: with1(current.weights, e.id, state.weights[e.id]) });
      }
    });
    state.off.forEach(function (id) { step("off:" + id, { off: current.off.concat([id]) }); });
    state.added.forEach(function (a, i) { step("add:" + (i + 1), { added: current.added.concat([a]) }); });
    return out;
  };

  function pick(name, value) {
    var o = {};
    o[name] = value;
    return o;
  }

  function with1(map, key, value) {
    var o = Object.assign({}, map);
    o[key] = value;
    return o;
  }

  // dtbook.scenarios.scenario_results: the same records, in the same order.
  Model.prototype.results = function (state, options) {
    var m = this, nB = m.nB, nE = m.nE, st = m.settings;
    var weights = m.weightsOf(state), p = m.point(state), items = p.items;
    var withDraws = !(options && options.draws === false);
    var draws = withDraws ? m.simulate(state, items, state.draws) : null;
    var band = withDraws ? bands(draws, nB, state.draws) : null;
    var tierOf = {};
    if (withDraws) {
      var order = m.bases.map(function (b) { return b.index; }).sort(function (x, y) {
        var cx = p.values[x], cy = p.values[y];
        return band[x].median - band[y].median ||
          (cx === cx ? (cy === cy ? cy - cx : -1) : (cy === cy ? 1 : 0)) || x - y;
      });
      tierOf = tiers(order, draws, nB, state.draws, st.tier_threshold);
    }
    var levels = new Int32Array(nB * nE), counts = new Int32Array(nB * nE), perBase = new Int32Array(nB);
    items.forEach(function (it) {
      var c = it.b * nE + it.e;
      counts[c]++;
      perBase[it.b]++;
      if (it.s > levels[c]) levels[c] = it.s;
    });
    var total = 0, j;
    for (j = 0; j < nE; j++) total += weights[j];
    var ranking = m.bases.map(function (base, b) {
      var present = 0;
      for (j = 0; j < nE; j++) if (p.scores[b * nE + j] === p.scores[b * nE + j]) present += weights[j];
      var share = total > 0 ? present / total : 0;
      return {
        base_id: base.id,
        composite: num(p.values[b]),
        rank: p.ranks[b],
        rank_median: withDraws ? band[b].median : null,
        rank_p05: withDraws ? band[b].p05 : null,
        rank_p95: withDraws ? band[b].p95 : null,
        tier: withDraws ? tierOf[b] : null,
        evidence_share: share,
        status: share >= st.min_element_coverage ? "ok" : "thin",
        items: perBase[b],
      };
    });
    var scores = [];
    m.bases.forEach(function (base, b) {
      m.elements.forEach(function (el, e) {
        var c = b * nE + e;
        scores.push({ base_id: base.id, element_id: el.id, items: counts[c], level: levels[c], score: num(p.scores[c]) });
      });
    });
    var contributions = [], before = m.point(m.published());
    m.steps(state).forEach(function (s, i) {
      var after = m.point(s.state);
      m.bases.forEach(function (base, b) {
        contributions.push({
          step: i + 1,
          change: s.key,
          base_id: base.id,
          composite_before: num(before.values[b]),
          composite_after: num(after.values[b]),
          delta: num(after.values[b] - before.values[b]),
          rank_before: before.ranks[b],
          rank_after: after.ranks[b],
        });
      });
      before = after;
    });
    return {
      ranking: ranking,
      scores: scores,
      contributions: contributions,
      recommendations: m.recommendations(levels, weights, items),
    };
  };

  function num(x) {
    return x === x ? x : null;
  }

  // ------------------------------------------------------------------ scenarios: checking, JSON, the URL

  function isNumber(x, min, strict) {
    return typeof x === "number" && isFinite(x) && (strict ? x > min : x >= min);
  }

  // A scenario from its JSON form; what it leaves out keeps the book's setting. Throws on what does not fit.
  Model.prototype.read = function (payload) {
    var m = this, state = m.published();
    if (!payload || payload.format !== FORMAT || payload.version !== VERSION) throw new Error("不是本书指标模拟器的情景文件");
    var s = payload.settings || {};
    if (s.scoring !== undefined) state.scoring = choice(s.scoring, SCORING, "计分规则");
    if (s.saturation !== undefined) {
      if (!isNumber(s.saturation, 0, true)) throw new Error("饱和点应为正数");
      state.saturation = s.saturation;
    }
    if (s.missing !== undefined) state.missing = choice(s.missing, MISSING, "缺失要素的处理");
    if (s.aggregation !== undefined) state.aggregation = choice(s.aggregation, AGGREGATION, "汇总方式");
    Object.keys(s.weights || {}).forEach(function (id) {
      if (!(id in m.elementIndex) || !isNumber(s.weights[id], 0)) throw new Error("要素权重无效：" + id);
      state.weights[id] = s.weights[id];
    });
    Object.keys(s.group_weights || {}).forEach(function (id) {
      if (!(id in m.groupIndex) || !isNumber(s.group_weights[id], 0)) throw new Error("层面权重无效：" + id);
      state.group_weights[id] = s.group_weights[id];
    });
    if (s.draws !== undefined) {
      if (!(Number.isInteger(s.draws) && s.draws >= 1 && s.draws <= 20000)) throw new Error("抽样次数无效");
      state.draws = s.draws;
    }
    var ev = payload.evidence || {}, off = Object.create(null);
    (ev.off || []).forEach(function (id) {
      if (!(id in m.evidenceIndex)) throw new Error("数据中没有这条证据：" + id);
      off[id] = true;
    });
    state.off = m.evidence.filter(function (e) { return off[e.id]; }).map(function (e) { return e.id; });
    var added = ev.added || [];
    if (added.length > MAX_ADDED) throw new Error("假设条目过多");
    state.added = added.map(function (a) {
      if (!a || !(a.base_id in m.baseIndex) || !(a.element_id in m.elementIndex) || [1, 2, 3].indexOf(a.strength) < 0) {
        throw new Error("假设条目无效");
      }
      var note = typeof a.note === "string" ? a.note : "";
      if (note.length > MAX_NOTE) throw new Error("假设条目的说明过长");
      return { base_id: a.base_id, element_id: a.element_id, strength: a.strength, note: note.split(/\s+/).filter(Boolean).join(" ") };
    });
    return state;
  };

  function choice(value, options, label) {
    if (options.indexOf(value) < 0) throw new Error(label + "无效：" + value);
    return value;
  }

  // The scenario's JSON form: only weights that differ from the book's are written.
  Model.prototype.payload = function (state) {
    var base = this.published(), weights = {}, groups = {};
    Object.keys(state.weights).forEach(function (id) {
      if (state.weights[id] !== base.weights[id]) weights[id] = state.weights[id];
    });
    Object.keys(state.group_weights).forEach(function (id) {
      if (state.group_weights[id] !== base.group_weights[id]) groups[id] = state.group_weights[id];
    });
    return {
      format: FORMAT,
      version: VERSION,
      settings: {
        scoring: state.scoring, saturation: state.saturation, missing: state.missing, aggregation: state.aggregation,
        weights: weights, group_weights: groups, draws: state.draws,
      },
      evidence: {
        off: state.off.slice(),
        added: state.added.map(function (a) {
          return { base_id: a.base_id, element_id: a.element_id, strength: a.strength, note: a.note };
        }),
      },
    };
  };

  // URL fragment: #sim=<base64url of the JSON form, UTF-8>, plus the base in view.
  function encodeState(payload) {
    var bytes = new TextEncoder().encode(JSON.stringify(payload)), text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function decodeState(code) {
    var text = atob(code.replace(/-/g, "+").replace(/_/g, "/")), bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  var api = {
    Model: Model,
    Pcg: Pcg,
    WasmPcg: WasmPcg,
    wasm: true,
    round9: round9,
    bands: bands,
    encodeState: encodeState,
    decodeState: decodeState,
    apps: [],
  };

  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
    return;
  }

  // ------------------------------------------------------------------ how values read (as dtbook/fmt.py prints)

  var TIER_NAMES = "一二三四五六七八九十";
  var LABELS = {
    scoring: { max: "最强证据", sum: "强度之和（饱和）" },
    missing: { zero: "按零计", skip: "不计入平均", mean: "按该要素均值", min: "按该要素最低值" },
    aggregation: { arithmetic: "算术平均", group: "先层面后总体", geometric: "几何平均" },
    kind: { missing: "报告未述及", direction: "仅有方向性表述" },
    status: { ok: "证据覆盖较全", thin: "证据覆盖不足" },
    strength: { 1: "1 方向性表述", 2: "2 具体举措或已建平台", 3: "3 量化成果或国家级认定" },
  };
  var DRAW_CHOICES = [200, 500, 1000];
  var BUDGET = 30000; // bases × draws computed by default (the data file says: dtbook/pages/simulator.py)

  // Python's format(x, ".{d}f"): the exact binary value rounded, an exact tie to even (toFixed rounds ties up).
  function fixed(x, d) {
    if (x == null || x !== x) return "—";
    var text = Math.abs(x).toFixed(Math.min(100, d + 30)), cut = text.length - 30;
    if (/^50*$/.test(text.slice(cut))) {
      var kept = text.slice(0, cut).replace(/\.$/, ""), last = Number(kept.slice(-1));
      var out = last % 2 ? Math.abs(x).toFixed(d) : kept;
      return (x < 0 && Number(out) !== 0 ? "-" : "") + out;
    }
    return (x < 0 && Number(x.toFixed(d)) !== 0 ? "-" : "") + Math.abs(x).toFixed(d);
  }

  function signed(x, d) {
    if (x == null) return "—";
    var text = fixed(x, d);
    return Number(text) > 0 ? "+" + text : Number(text) < 0 ? text.replace("-", "−") : text.replace("-", "");
  }

  function tierLabel(t) {
    return t == null ? "—" : t <= TIER_NAMES.length ? "第" + TIER_NAMES[t - 1] + "梯队" : "第 " + t + " 梯队";
  }

  function bandLabel(low, high) {
    return low == null ? "—" : low === high ? "第 " + low + " 名" : "第 " + low + "—" + high + " 名";
  }

  function scoreLabel(x) {
    return x == null ? "无证据" : fixed(x, 0);
  }

  function weightLabel(x) {
    return String(Math.round(x * 1000) / 1000);
  }

  // ------------------------------------------------------------------ the interface (data only ever as text)

  function h(tag, props, kids) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      var value = props[key];
      if (value == null || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    (kids || []).forEach(function (kid) {
      if (kid != null) node.appendChild(typeof kid === "string" ? document.createTextNode(kid) : kid);
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function table(caption, head, rows, options) {
    var t = h("table", { class: "dt-sim-table" }, [h("caption", { text: caption })]);
    t.appendChild(h("thead", null, [h("tr", null, head.map(function (cell) {
      return h("th", { scope: "col", class: cell.num ? "dt-num" : cell.prose ? "dt-sim-prose" : null, text: cell.text || cell });
    }))]));
    var body = h("tbody");
    rows.forEach(function (row) {
      var tr = h("tr", { class: row.class || null });
      row.cells.forEach(function (cell, i) {
        var c = typeof cell === "object" && cell !== null ? cell : { text: cell };
        tr.appendChild(h(i === 0 && !(options && options.plainFirst) ? "th" : "td",
          { scope: i === 0 && !(options && options.plainFirst) ? "row" : null, class: head[i].num ? "dt-num" : head[i].prose ? "dt-sim-prose" : null,
            text: c.text == null ? "" : String(c.text) }));
      });
      body.appendChild(tr);
    });
    t.appendChild(body);
    if (options && options.foot) {
      t.appendChild(h("tfoot", null, [h("tr", null, options.foot.map(function (cell, i) {
        return h(i === 0 ? "th" : "td", { scope: i === 0 ? "row" : null, class: head[i].num ? "dt-num" : null, text: cell });
      }))]));
    }
    // wide tables scroll inside this frame: a region the keyboard can reach
    return h("div", { class: "dt-sim-scroll", tabindex: "0", role: "region", "aria-label": caption }, [t]);
  }

  function fingerprint() {
    var stamp = document.querySelector(".dt-edition"), found = null;
    if (stamp) (stamp.textContent.match(/数据指纹\s*[0-9a-f]{6,64}/g) || []).forEach(function (m) { found = m; });
    return found ? found.replace(/数据指纹\s*/, "") : "";
  }

  var instances = 0;

  function App(root, model, options) {
    var app = this;
    app.root = root;
    app.model = model;
    app.compact = options.mode === "compact";
    app.fixedBase = options.base || null;
    app.full = options.full || null;
    app.id = "dt-sim-" + ++instances;
    app.defaultDraws = Math.min(model.settings.uncertainty_draws,
      Math.max(100, Math.floor((model.data.draw_budget || BUDGET) / model.nB / 100) * 100));
    app.state = app.initial();
    app.base = app.fixedBase && app.fixedBase in model.baseIndex ? app.fixedBase : model.bases[0].id;
    app.publishedRanking = {};
    model.data.published.forEach(function (r) {
      app.publishedRanking[r[0]] = { composite: r[1], rank: r[2], rank_median: r[3], rank_p05: r[4], rank_p95: r[5], tier: r[6] };
    });
    app.baseline = model.results(model.published(), { draws: false });
    app.consistent = app.baseline.ranking.every(function (r) {
      var p = app.publishedRanking[r.base_id];
      return p && p.composite === r.composite && p.rank === r.rank;
    });
    app.token = 0;
    app.results = null;
    app.build();
    app.readHash(true);
    window.addEventListener("hashchange", function () { app.readHash(false); });
  }

  App.prototype.initial = function () {
    var state = this.model.published();
    state.draws = this.defaultDraws;
    return state;
  };

  App.prototype.ids = function (name) {
    return this.id + "-" + name;
  };

  // ---- building the controls once
  App.prototype.build = function () {
    var app = this, m = app.model, H = app.compact ? "h4" : "h2", H2 = app.compact ? "h4" : "h3";
    clear(app.root);
    app.root.classList.add("dt-sim-ready");
    if (app.compact) app.root.classList.add("dt-sim-compact");

    // what is shown, and the status line screen readers hear after each change
    var head = h("div", { class: "dt-sim-head" });
    if (app.compact) {
      head.appendChild(h("h3", { class: "dt-sim-title", id: app.ids("title"), text: "模拟：如果权重、规则或证据不同" }));
    } else {
      app.baseSelect = h("select", { id: app.ids("base"), onchange: function () {
        app.base = app.baseSelect.value;
        app.renderEvidence();
        app.changed("base");
      } },
        m.bases.map(function (b) { return h("option", { value: b.id, text: b.name }); }));
      head.appendChild(h("div", { class: "dt-sim-field" }, [h("label", { for: app.ids("base"), text: "查看与编辑的基地" }), app.baseSelect]));
    }
    app.summary = h("div", { class: "dt-sim-summary" });
    app.status = h("p", { class: "dt-sim-status", role: "status", "aria-live": "polite" });
    head.appendChild(app.summary);
    head.appendChild(app.status);
    if (!app.consistent) {
      head.appendChild(h("p", { class: "dt-sim-warning", text: "注意：浏览器按公布设置算出的综合指数与书中不一致，请以书中结果为准。" }));
    }
    app.root.appendChild(head);

    // rules and weights
    var rules = h("fieldset", { class: "dt-sim-rules" }, [h("legend", { text: "计分与汇总规则（标“本书”者为本书采用的设置）" })]);
    function select(name, label, options, hint, parse) {
      var s = h("select", { id: app.ids(name), onchange: function () {
        app.state[name] = parse ? parse(s.value) : s.value;
        app.markChanged();
        app.changed(name);
      } },
        options.map(function (o) { return h("option", { value: o[0], text: o[1] }); }));
      rules.appendChild(h("div", { class: "dt-sim-field" }, [h("label", { for: app.ids(name), text: label }), s,
        hint ? h("span", { class: "dt-sim-hint", id: app.ids(name + "-hint"), text: hint }) : null]));
      if (hint) s.setAttribute("aria-describedby", app.ids(name + "-hint"));
      return s;
    }
    function mark(key, value, label) {
      return [value, label + (value === key ? "（本书）" : "")];
    }
    app.controls = {};
    app.controls.scoring = select("scoring", "计分规则", SCORING.map(function (v) { return mark("max", v, LABELS.scoring[v]); }));
    app.controls.saturation = h("input", { id: app.ids("saturation"), type: "number", min: "0.5", step: "0.5", inputmode: "decimal",
      "aria-describedby": app.ids("saturation-hint"), oninput: function () { app.numberInput(app.controls.saturation, "saturation"); } });
    rules.appendChild(h("div", { class: "dt-sim-field" }, [
      h("label", { for: app.ids("saturation"), text: "饱和点" }), app.controls.saturation,
      h("span", { class: "dt-sim-hint", id: app.ids("saturation-hint"),
        text: "“强度之和”规则下强度之和达到该值即满分；本书 " + weightLabel(m.settings.saturation) + "。不确定性情景取其一半、本身和一倍半。" }),
    ]));
    app.controls.missing = select("missing", "没有证据的要素", MISSING.map(function (v) { return mark("zero", v, LABELS.missing[v]); }));
    app.controls.aggregation = select("aggregation", "汇总方式", AGGREGATION.map(function (v) { return mark("arithmetic", v, LABELS.aggregation[v]); }),
      "先层面后总体：三个层面等权，层面权重不起作用。");
    var draws = DRAW_CHOICES.filter(function (d) { return d < m.settings.uncertainty_draws; }).concat([m.settings.uncertainty_draws]);
    if (draws.indexOf(app.defaultDraws) < 0) draws.unshift(app.defaultDraws);
    draws.sort(function (a, b) { return a - b; });
    app.controls.draws = select("draws", "不确定性情景数", draws.map(function (d) {
      return [String(d), d === m.settings.uncertainty_draws ? d + "（与本书相同）" : "前 " + d + " 个（更快）"];
    }), "排名区间与梯队由这些情景算出：本书的随机序列，取前若干个。", Number);

    var weights = h("fieldset", { class: "dt-sim-weights" }, [h("legend", { text: "权重（本书：九个要素、三个层面均为 1；要素的实际权重 = 要素权重 × 层面权重）" })]);
    app.weightInputs = {};
    app.groupInputs = {};
    m.groups.forEach(function (g) {
      var box = h("div", { class: "dt-sim-group" });
      var gi = h("input", { id: app.ids("g-" + g.id), type: "number", min: "0", step: "0.5", inputmode: "decimal",
        oninput: function () { app.numberInput(gi, "group", g.id); } });
      app.groupInputs[g.id] = gi;
      box.appendChild(h("div", { class: "dt-sim-field dt-sim-group-weight" }, [h("label", { for: gi.id, text: "层面：" + g.name }), gi]));
      m.elements.filter(function (e) { return e.group === g.id; }).forEach(function (e) {
        var ei = h("input", { id: app.ids("w-" + e.id), type: "number", min: "0", step: "0.5", inputmode: "decimal",
          oninput: function () { app.numberInput(ei, "weight", e.id); } });
        app.weightInputs[e.id] = ei;
        box.appendChild(h("div", { class: "dt-sim-field" }, [h("label", { for: ei.id, text: e.name }), ei]));
      });
      weights.appendChild(box);
    });
    var reset = h("button", { type: "button", class: "dt-sim-button", text: "恢复本书设置（规则与权重）", onclick: function () {
      var fresh = app.initial();
      ["scoring", "saturation", "missing", "aggregation", "weights", "group_weights"].forEach(function (k) { app.state[k] = fresh[k]; });
      app.sync();
      app.changed("reset");
    } });
    var settingsBody = [rules, weights, reset];
    if (app.compact) {
      app.root.appendChild(h("details", { class: "dt-sim-details" }, [h("summary", { text: "调整权重与计分规则" })].concat(settingsBody)));
    } else {
      app.root.appendChild(h("section", { class: "dt-sim-section", "aria-labelledby": app.ids("h-rules") },
        [h(H, { id: app.ids("h-rules"), text: "权重与规则" })].concat(settingsBody)));
    }

    // evidence of the base in view
    app.evidenceBox = h("fieldset", { class: "dt-sim-evidence" });
    var element = h("select", { id: app.ids("add-element") }, m.elements.map(function (e) { return h("option", { value: e.id, text: e.name }); }));
    var strength = h("select", { id: app.ids("add-strength") }, [1, 2, 3].map(function (s) { return h("option", { value: String(s), text: LABELS.strength[s] }); }));
    var note = h("input", { id: app.ids("add-note"), type: "text", maxlength: String(MAX_NOTE), placeholder: "例如：建成数据交易平台" });
    app.addControls = { element: element, strength: strength, note: note };
    var add = h("fieldset", { class: "dt-sim-add" }, [
      h("legend", { text: "添加假设条目（按编码规则的强度计）" }),
      h("div", { class: "dt-sim-field" }, [h("label", { for: element.id, text: "要素" }), element]),
      h("div", { class: "dt-sim-field" }, [h("label", { for: strength.id, text: "强度" }), strength]),
      h("div", { class: "dt-sim-field dt-sim-wide" }, [h("label", { for: note.id, text: "说明" }), note]),
      h("button", { type: "button", class: "dt-sim-button", text: "添加", onclick: function () {
        if (app.state.added.length >= MAX_ADDED) return app.say("假设条目已达上限。");
        app.state.added = app.state.added.concat([{ base_id: app.base, element_id: element.value, strength: Number(strength.value),
          note: note.value.split(/\s+/).filter(Boolean).join(" ").slice(0, MAX_NOTE) }]);
        note.value = "";
        app.renderEvidence();
        app.changed("add");
      } }),
    ]);
    app.addedList = h("ul", { class: "dt-sim-added" });
    var evidenceBody = [h("p", { class: "dt-sim-hint", text: "取消勾选即不计入该条证据；也可以添加报告中没有的假设条目。" }),
      app.evidenceBox, add, app.addedList];
    // results
    app.resultBox = h("div", { class: "dt-sim-results" });
    app.H2 = H2;
    if (app.compact) {
      // on a base page the controls and the detail fold away: the summary above says what changed
      app.root.appendChild(h("details", { class: "dt-sim-details" }, [h("summary", { text: "不计入证据或添加假设条目" })].concat(evidenceBody)));
      app.root.appendChild(h("details", { class: "dt-sim-details" }, [h("summary", { text: "要素得分、各项变化的贡献与将得出的建议" }), app.resultBox]));
    } else {
      app.root.appendChild(h("section", { class: "dt-sim-section", "aria-labelledby": app.ids("h-evidence") },
        [h(H, { id: app.ids("h-evidence"), text: "证据" })].concat(evidenceBody)));
      app.root.appendChild(h("section", { class: "dt-sim-section", "aria-labelledby": app.ids("h-results") }, [
        h(H, { id: app.ids("h-results"), text: "结果：情景与公布结果对照" }), app.resultBox]));
    }

    // share and download
    app.link = h("input", { id: app.ids("link"), type: "text", readonly: true, class: "dt-sim-link" });
    var copy = h("button", { type: "button", class: "dt-sim-button", text: "复制链接", onclick: function () {
      app.link.select();
      var done = function () { app.say("链接已复制。"); };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(app.link.value).then(done, function () {
        app.say("请手动复制已选中的链接。");
      });
      else app.say("请手动复制已选中的链接。");
    } });
    var buttons = h("div", { class: "dt-sim-buttons" }, [
      h("button", { type: "button", class: "dt-sim-button", "data-download": "json", text: "下载情景（JSON）", onclick: function () { app.download("json"); } }),
      h("button", { type: "button", class: "dt-sim-button", "data-download": "csv", text: "下载结果（CSV）", onclick: function () { app.download("csv"); } }),
      h("button", { type: "button", class: "dt-sim-button", "data-download": "xlsx", text: "下载结果（XLSX）", onclick: function () { app.download("xlsx"); } }),
      h("button", { type: "button", class: "dt-sim-button", text: "全部恢复为公布结果", onclick: function () {
        app.state = app.initial();
        app.sync();
        app.changed("reset");
      } }),
    ]);
    var share = [h(H, { id: app.ids("h-share"), text: "分享与下载" }),
      h("div", { class: "dt-sim-field dt-sim-wide" }, [h("label", { for: app.link.id, text: "本情景的链接（打开即重现）" }), app.link]),
      h("div", { class: "dt-sim-buttons" }, [copy]), buttons];
    if (app.full) {
      app.fullLink = h("a", { class: "dt-sim-full-link", href: app.full, text: "在完整的指标模拟器中打开本情景（全部基地的排名与梯队）" });
      share.push(h("p", null, [app.fullLink]));
    }
    app.root.appendChild(h("section", { class: "dt-sim-section", "aria-labelledby": app.ids("h-share") }, share));
  };

  App.prototype.say = function (text) {
    this.status.textContent = text;
  };

  // A number field: a valid value takes effect at once; anything else is marked and ignored.
  App.prototype.numberInput = function (input, kind, id) {
    var text = input.value.trim(), value = Number(text);
    var ok = text !== "" && isFinite(value) && (kind === "saturation" ? value > 0 : value >= 0) && value <= 1e6;
    input.setAttribute("aria-invalid", ok ? "false" : "true");
    if (!ok) return;
    if (kind === "saturation") this.state.saturation = value;
    else if (kind === "group") this.state.group_weights = with1(this.state.group_weights, id, value);
    else this.state.weights = with1(this.state.weights, id, value);
    this.markChanged();
    this.changed(kind);
  };

  // Controls show the state (after reading a link, a reset).
  App.prototype.sync = function () {
    var app = this, s = app.state, c = app.controls;
    c.scoring.value = s.scoring;
    c.saturation.value = String(s.saturation);
    c.missing.value = s.missing;
    c.aggregation.value = s.aggregation;
    if (!Array.prototype.some.call(c.draws.options, function (o) { return Number(o.value) === s.draws; })) {
      c.draws.appendChild(h("option", { value: String(s.draws), text: "前 " + s.draws + " 个" }));
    }
    c.draws.value = String(s.draws);
    Object.keys(app.weightInputs).forEach(function (id) { app.weightInputs[id].value = String(s.weights[id]); });
    Object.keys(app.groupInputs).forEach(function (id) { app.groupInputs[id].value = String(s.group_weights[id]); });
    [c.saturation].concat(Object.values(app.weightInputs), Object.values(app.groupInputs)).forEach(function (i) {
      i.setAttribute("aria-invalid", "false");
    });
    if (app.baseSelect) app.baseSelect.value = app.base;
    app.markChanged();
    app.renderEvidence();
  };

  App.prototype.markChanged = function () {
    var app = this, book = app.model.published();
    Object.keys(app.weightInputs).forEach(function (id) {
      app.weightInputs[id].classList.toggle("dt-sim-changed", app.state.weights[id] !== book.weights[id]);
    });
    Object.keys(app.groupInputs).forEach(function (id) {
      app.groupInputs[id].classList.toggle("dt-sim-changed", app.state.group_weights[id] !== book.group_weights[id]);
    });
    ["scoring", "saturation", "missing", "aggregation"].forEach(function (k) {
      app.controls[k].classList.toggle("dt-sim-changed", app.state[k] !== book[k]);
    });
  };

  App.prototype.renderEvidence = function () {
    var app = this, m = app.model, box = clear(app.evidenceBox), off = Object.create(null);
    app.state.off.forEach(function (id) { off[id] = true; });
    var base = m.bases[m.baseIndex[app.base]];
    box.appendChild(h("legend", { text: "报告中的证据：" + base.name }));
    var own = m.evidence.filter(function (e) { return e.base === app.base; });
    if (!own.length) box.appendChild(h("p", { text: "报告中没有为该基地编码的证据。" }));
    own.forEach(function (e) {
      var id = app.ids("ev-" + e.index);
      var box1 = h("input", { type: "checkbox", id: id, "data-evidence": e.id, onchange: function () {
        var set = Object.create(null);
        app.state.off.forEach(function (x) { set[x] = true; });
        if (box1.checked) delete set[e.id];
        else set[e.id] = true;
        app.state.off = m.evidence.filter(function (x) { return set[x.id]; }).map(function (x) { return x.id; });
        app.changed("evidence");
      } });
      box1.checked = !off[e.id];
      box.appendChild(h("div", { class: "dt-sim-check" }, [box1, h("label", { for: id }, [
        h("span", { class: "dt-sim-tag", text: m.elements[m.elementIndex[e.element]].name + " · 强度 " + e.strength }), " ", e.shows,
      ])]));
    });
    clear(app.addedList);
    var others = 0;
    app.state.added.forEach(function (a, i) {
      if (a.base_id !== app.base) {
        others++;
        return;
      }
      app.addedList.appendChild(h("li", null, [
        h("span", { class: "dt-sim-tag", text: "假设 · " + m.elements[m.elementIndex[a.element_id]].name + " · 强度 " + a.strength }),
        " " + (a.note || "（无说明）") + " ",
        h("button", { type: "button", class: "dt-sim-button dt-sim-small", "aria-label": "删除假设条目 " + (i + 1), text: "删除",
          onclick: function () {
            app.state.added = app.state.added.filter(function (_, k) { return k !== i; });
            app.renderEvidence();
            app.changed("remove");
          } }),
      ]));
    });
    if (others) app.addedList.appendChild(h("li", { class: "dt-sim-hint", text: "另有 " + others + " 条假设条目属于其他基地（见下方各项变化）。" }));
  };

  // ---- the URL: #sim=<scenario>, the base in view beside it
  // The page's own address is left alone (a base page's anchors keep working) until the scenario differs from the
  // book's or the address already holds one.
  App.prototype.writeHash = function () {
    var payload = this.model.payload(this.state), plain = JSON.stringify(this.model.payload(this.initial()));
    var unchanged = JSON.stringify(payload) === plain && (this.fixedBase || this.base === this.model.bases[0].id);
    payload.view = { base: this.base }; // the full simulator opens at the base in view (a base page: its own)
    var hash = "#sim=" + encodeState(payload);
    this.lastHash = hash;
    if (location.hash !== hash && (!unchanged || location.hash.indexOf("#sim=") === 0)) history.replaceState(null, "", hash);
    this.link.value = location.href.split("#")[0] + hash;
    if (this.fullLink) this.fullLink.setAttribute("href", this.full + hash);
  };

  App.prototype.readHash = function (first) {
    var app = this, hash = location.hash;
    if (hash.indexOf("#sim=") === 0 && hash !== app.lastHash) {
      try {
        var payload = decodeState(hash.slice(5));
        app.state = app.model.read(payload);
        var view = payload.view || {};
        if (!app.fixedBase && view.base in app.model.baseIndex) app.base = view.base;
        app.sync();
        app.changed("link");
        app.say("已按链接重现情景。");
        return;
      } catch (err) {
        app.say("链接中的情景无法读取（" + err.message + "），显示本书设置。");
      }
    }
    if (first) {
      app.sync();
      app.changed("start");
    }
  };

  // ---- recomputing: the point results at once, bands and tiers just after; after a typed number a little later,
  // so that typing "2.5" recomputes the draws once, not per keystroke
  var TYPED = { saturation: true, group: true, weight: true };
  App.prototype.changed = function (what) {
    var app = this, token = ++app.token;
    app.root.setAttribute("data-state", "computing");
    app.writeHash();
    var quick = app.model.results(app.state, { draws: false });
    app.render(quick, true);
    setTimeout(function () {
      if (token !== app.token) return;
      app.results = app.model.results(app.state);
      app.render(app.results, false);
      app.root.setAttribute("data-state", "ready");
      if (what !== "start") app.announce();
    }, TYPED[what] ? 30 : 0);
  };

  App.prototype.announce = function () {
    var app = this, r = app.rowOf(app.results.ranking, app.base), p = app.publishedRanking[app.base];
    var name = app.model.bases[app.model.baseIndex[app.base]].name;
    app.say("已重新计算：" + name + "综合指数 " + fixed(r.composite, 1) + "（公布 " + fixed(p.composite, 1) + "），排名第 " + r.rank +
      " 名（公布第 " + p.rank + " 名），" + tierLabel(r.tier) + "。");
  };

  App.prototype.rowOf = function (list, base) {
    for (var i = 0; i < list.length; i++) if (list[i].base_id === base) return list[i];
    return null;
  };

  App.prototype.changeLabel = function (key) {
    var m = this.model, book = m.published(), s = this.state, parts = key.split(":"), kind = parts[0], id = parts.slice(1).join(":");
    if (kind in LABELS && kind !== "kind" && kind !== "status") {
      return (kind === "scoring" ? "计分规则：" : kind === "missing" ? "没有证据的要素：" : "汇总方式：") + LABELS[kind][book[kind]] + " → " + LABELS[kind][s[kind]];
    }
    if (kind === "saturation") return "饱和点：" + weightLabel(book.saturation) + " → " + weightLabel(s.saturation);
    if (kind === "group_weight") return "层面权重（" + m.groups[m.groupIndex[id]].name + "）：" + weightLabel(book.group_weights[id]) + " → " + weightLabel(s.group_weights[id]);
    if (kind === "weight") return "要素权重（" + m.elements[m.elementIndex[id]].name + "）：" + weightLabel(book.weights[id]) + " → " + weightLabel(s.weights[id]);
    if (kind === "off") {
      var e = m.evidence[m.evidenceIndex[id]];
      return "不计入：" + m.bases[m.baseIndex[e.base]].name + " · " + m.elements[m.elementIndex[e.element]].name + " · 强度 " + e.strength + "（" + e.shows + "）";
    }
    var a = s.added[Number(id) - 1];
    return "假设条目：" + m.bases[m.baseIndex[a.base_id]].name + " · " + m.elements[m.elementIndex[a.element_id]].name + " · 强度 " + a.strength + (a.note ? "（" + a.note + "）" : "");
  };

  App.prototype.render = function (r, pending) {
    var app = this, m = app.model, base = app.base, row = app.rowOf(r.ranking, base), pub = app.publishedRanking[base];
    var drawsNote = app.state.draws === m.settings.uncertainty_draws ? "与本书相同的 " + app.state.draws + " 个情景" : "本书随机序列的前 " + app.state.draws + " 个情景（本书 " + m.settings.uncertainty_draws + " 个）";
    var wait = "计算中……";

    // summary
    var name = m.bases[m.baseIndex[base]].name;
    clear(app.summary).appendChild(table(name + "：公布结果与情景", [{ text: "项目" }, { text: "公布" }, { text: "情景" }], [
      { cells: ["综合指数", fixed(pub.composite, 1), fixed(row.composite, 1) +
        (row.composite === pub.composite ? "（不变）" : "（" + signed(row.composite - pub.composite, 2) + "）")] },
      { cells: ["排名", "第 " + pub.rank + " 名", "第 " + row.rank + " 名"] },
      { cells: ["排名区间（5%—95%）", bandLabel(pub.rank_p05, pub.rank_p95), pending ? wait : bandLabel(row.rank_p05, row.rank_p95)] },
      { cells: ["梯队", tierLabel(pub.tier), pending ? wait : tierLabel(row.tier) + (app.state.draws === m.settings.uncertainty_draws ? "" : "（按前 " + app.state.draws + " 个情景估算）")] },
    ]));

    var out = clear(app.resultBox), H2 = app.H2;
    out.appendChild(h("p", { class: "dt-sim-hint", text: "排名区间与梯队来自" + drawsNote + "；综合指数、排名、要素得分与建议与本书的计算完全相同。" }));

    // element scores of the base in view
    var weights = m.weightsOf(app.state), baseScores = {}, pubScores = {};
    r.scores.forEach(function (s) { if (s.base_id === base) baseScores[s.element_id] = s; });
    app.baseline.scores.forEach(function (s) { if (s.base_id === base) pubScores[s.element_id] = s; });
    out.appendChild(h(H2, { text: "要素得分" }));
    out.appendChild(table(name + "的要素得分", [{ text: "要素" }, { text: "权重", num: true }, { text: "公布等级", num: true }, { text: "公布得分", num: true },
      { text: "情景等级", num: true }, { text: "情景得分", num: true }], m.elements.map(function (e) {
      var s = baseScores[e.id], p = pubScores[e.id];
      return { class: s.score !== p.score || s.level !== p.level ? "dt-sim-moved" : null,
        cells: [e.name, weightLabel(weights[e.index]), p.level, scoreLabel(p.score), s.level, scoreLabel(s.score)] };
    })));

    // each change's contribution
    out.appendChild(h(H2, { text: "各项变化的贡献" }));
    var mine = r.contributions.filter(function (c) { return c.base_id === base; });
    if (!mine.length) out.appendChild(h("p", { text: "情景与本书设置相同，没有变化。" }));
    else {
      var total = row.composite - pub.composite;
      out.appendChild(table("各项变化对" + name + "综合指数的贡献（按所列顺序逐项加入）", [{ text: "变化", prose: true }, { text: "综合指数变化", num: true },
        { text: "排名", num: true }], mine.map(function (c) {
        return { cells: [app.changeLabel(c.change), signed(c.delta, 2), c.rank_before === c.rank_after ? "第 " + c.rank_after + " 名" : c.rank_before + " → " + c.rank_after] };
      }), { foot: ["合计", signed(total, 2), pub.rank + " → " + row.rank] }));
    }

    // recommendations that would follow
    out.appendChild(h(H2, { text: "将得出的建议" }));
    var recs = r.recommendations.filter(function (x) { return x.base_id === base; });
    var before = {};
    app.baseline.recommendations.forEach(function (x) { if (x.base_id === base) before[x.element_id] = x.kind; });
    if (!recs.length) out.appendChild(h("p", { text: "情景下每个要素都有具体举措或更强的证据，不列建议。" }));
    else {
      // a list, not a table: two long texts per item read better on a phone
      out.appendChild(h("ol", { class: "dt-sim-recs", "aria-label": "情景下对" + name + "的建议" }, recs.map(function (x) {
        var change = before[x.element_id] === x.kind ? "与公布相同" : before[x.element_id] ? "类型与公布不同" : "公布中没有";
        return h("li", null, [
          h("p", { class: "dt-sim-rec-head" }, [h("strong", { text: x.element_name }), " · " + LABELS.kind[x.kind] + " · " + change]),
          h("p", null, [h("span", { class: "dt-sim-tag", text: "依据：" }), x.trigger]),
          h("p", null, [h("span", { class: "dt-sim-tag", text: "建议行动：" }), x.actions]),
        ]);
      })));
    }
    var dropped = Object.keys(before).filter(function (id) { return !recs.some(function (x) { return x.element_id === id; }); });
    if (dropped.length) {
      out.appendChild(h("p", { text: "不再列出的公布建议：" + dropped.map(function (id) { return m.elements[m.elementIndex[id]].name; }).join("、") + "。" }));
    }

    // every base (the full simulator)
    if (!app.compact) {
      out.appendChild(h(H2, { text: "全部基地" }));
      var rows = r.ranking.slice().sort(function (a, b) { return a.rank - b.rank || m.baseIndex[a.base_id] - m.baseIndex[b.base_id]; });
      out.appendChild(table("全部基地：公布结果与情景", [{ text: "基地" }, { text: "综合指数（公布）", num: true }, { text: "综合指数（情景）", num: true },
        { text: "排名（公布）", num: true }, { text: "排名（情景）", num: true }, { text: "排名区间（情景）" }, { text: "梯队（公布）" }, { text: "梯队（情景）" }],
        rows.map(function (x) {
          var p = app.publishedRanking[x.base_id];
          return { class: x.base_id === base ? "dt-sim-focus" : null, cells: [m.bases[m.baseIndex[x.base_id]].name, fixed(p.composite, 1), fixed(x.composite, 1), p.rank, x.rank,
            pending ? wait : bandLabel(x.rank_p05, x.rank_p95), tierLabel(p.tier), pending ? wait : tierLabel(x.tier)] };
        })));
    }
    out.appendChild(h("p", { class: "dt-sim-hint", text: "得分衡量的是报告所呈现的建设情况，不是对基地实际绩效的评价；假设条目只是假设。" }));
  };

  // ------------------------------------------------------------------ downloads

  App.prototype.meta = function () {
    var m = this.model, s = this.state, rows = [
      ["版次", m.data.edition.edition], ["编制日期", m.data.edition.data_date], ["数据指纹", fingerprint()],
      ["计分规则", LABELS.scoring[s.scoring]], ["饱和点", s.saturation], ["没有证据的要素", LABELS.missing[s.missing]],
      ["汇总方式", LABELS.aggregation[s.aggregation]], ["不确定性情景数", s.draws],
    ];
    m.groups.forEach(function (g) { rows.push(["层面权重：" + g.name, s.group_weights[g.id]]); });
    m.elements.forEach(function (e) { rows.push(["要素权重：" + e.name, s.weights[e.id]]); });
    rows.push(["不计入的证据", s.off.join("；")]);
    s.added.forEach(function (a, i) {
      rows.push(["假设条目 " + (i + 1), m.bases[m.baseIndex[a.base_id]].name + " · " + m.elements[m.elementIndex[a.element_id]].name + " · 强度 " + a.strength + (a.note ? " · " + a.note : "")]);
    });
    rows.push(["链接", this.link.value]);
    rows.push(["说明", "本书指标模拟器的情景结果；综合指数、排名、要素得分与建议按本书方法计算，排名区间与梯队来自本书随机序列的前 " + s.draws + " 个情景。"]);
    return rows;
  };

  App.prototype.sheets = function (r) {
    var m = this.model, app = this, baseName = function (id) { return m.bases[m.baseIndex[id]].name; };
    var elName = function (id) { return m.elements[m.elementIndex[id]].name; };
    return [
      { name: "说明", rows: [["项目", "内容"]].concat(this.meta()) },
      { name: "排名", rows: [["基地", "base_id", "综合指数（公布）", "综合指数（情景）", "排名（公布）", "排名（情景）", "中位排名（情景）", "排名区间下限（5%）", "排名区间上限（95%）",
        "梯队（公布）", "梯队（情景）", "有证据的要素权重", "证据覆盖", "证据条数"]].concat(r.ranking.map(function (x) {
        var p = app.publishedRanking[x.base_id];
        return [baseName(x.base_id), x.base_id, p.composite, x.composite, p.rank, x.rank, x.rank_median, x.rank_p05, x.rank_p95, p.tier, x.tier,
          x.evidence_share, LABELS.status[x.status], x.items];
      })) },
      { name: "要素得分", rows: [["基地", "base_id", "要素", "element_id", "证据条数", "等级", "得分（情景）"]].concat(r.scores.map(function (x) {
        return [baseName(x.base_id), x.base_id, elName(x.element_id), x.element_id, x.items, x.level, x.score];
      })) },
      { name: "变化贡献", rows: [["步骤", "变化", "change", "基地", "base_id", "加入前综合指数", "加入后综合指数", "贡献", "加入前排名", "加入后排名"]].concat(
        r.contributions.map(function (x) {
          return [x.step, app.changeLabel(x.change), x.change, baseName(x.base_id), x.base_id, x.composite_before, x.composite_after, x.delta, x.rank_before, x.rank_after];
        })) },
      { name: "建议", rows: [["基地", "base_id", "优先级", "要素", "element_id", "类型", "依据", "建议行动"]].concat(r.recommendations.map(function (x) {
        return [baseName(x.base_id), x.base_id, x.priority, x.element_name, x.element_id, LABELS.kind[x.kind], x.trigger, x.actions];
      })) },
    ];
  };

  App.prototype.download = function (kind) {
    var app = this, m = app.model, r = app.results;
    if (!r || app.root.getAttribute("data-state") !== "ready") r = app.results = m.results(app.state);
    var blob, name = "indicator-scenario";
    if (kind === "json") {
      var payload = m.payload(app.state);
      payload.edition = m.data.edition.edition;
      payload.data_date = m.data.edition.data_date;
      payload.fingerprint = fingerprint();
      payload.link = app.link.value;
      payload.results = r;
      blob = new Blob([JSON.stringify(payload, null, 1) + "\n"], { type: "application/json" });
      name += ".json";
    } else if (kind === "csv") {
      var blocks = app.sheets(r).map(function (sheet) {
        return "# " + sheet.name + "\n" + sheet.rows.map(function (row) { return row.map(csvCell).join(","); }).join("\n") + "\n";
      });
      blob = new Blob(["\ufeff" + blocks.join("\n")], { type: "text/csv;charset=utf-8" });
      name += ".csv";
    } else {
      blob = new Blob([xlsx(app.sheets(r))], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });
      name += ".xlsx";
    }
    var a = h("a", { href: URL.createObjectURL(blob), download: name, class: "dt-sim-hidden" });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () {
      URL.revokeObjectURL(a.href);
      a.remove();
    }, 1000);
    app.say("已生成下载文件 " + name + "。");
  };

  // A text that a spreadsheet would read as a formula (=, +, -, @) is kept as text with a leading apostrophe.
  function csvCell(value) {
    if (value == null) return "";
    var text = String(value);
    if (typeof value !== "number" && /^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  // A minimal XLSX: SpreadsheetML parts in a zip archive without compression (stored), inline strings.
  function xmlText(value) {
    return String(value).replace(/[^\t\n\r\x20-\ud7ff\ue000-\ufffd\ud800-\udbff\udc00-\udfff]|[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/g, "$1")
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function column(i) {
    var s = "";
    for (i++; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
    return s;
  }

  function sheetXml(rows) {
    var out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'];
    rows.forEach(function (row, r) {
      out.push('<row r="' + (r + 1) + '">');
      row.forEach(function (value, c) {
        var ref = column(c) + (r + 1);
        if (value == null || value === "") return;
        if (typeof value === "number" && isFinite(value)) out.push('<c r="' + ref + '"><v>' + value + "</v></c>");
        else out.push('<c r="' + ref + '" t="inlineStr"><is><t xml:space="preserve">' + xmlText(value) + "</t></is></c>");
      });
      out.push("</row>");
    });
    out.push("</sheetData></worksheet>");
    return out.join("");
  }

  function xlsx(sheets) {
    var NS = "http://schemas.openxmlformats.org/", REL = NS + "officeDocument/2006/relationships";
    var files = [
      ["[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="' + NS + 'package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        sheets.map(function (_, i) {
          return '<Override PartName="/xl/worksheets/sheet' + (i + 1) + '.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>';
        }).join("") + "</Types>"],
      ["_rels/.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="' + NS + 'package/2006/relationships">' +
        '<Relationship Id="rId1" Type="' + REL + '/officeDocument" Target="xl/workbook.xml"/></Relationships>'],
      ["xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="' + NS + 'spreadsheetml/2006/main" xmlns:r="' + REL + '"><sheets>' +
        sheets.map(function (s, i) { return '<sheet name="' + xmlText(s.name) + '" sheetId="' + (i + 1) + '" r:id="rId' + (i + 1) + '"/>'; }).join("") + "</sheets></workbook>"],
      ["xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="' + NS + 'package/2006/relationships">' +
        sheets.map(function (_, i) {
          return '<Relationship Id="rId' + (i + 1) + '" Type="' + REL + '/worksheet" Target="worksheets/sheet' + (i + 1) + '.xml"/>';
        }).join("") + "</Relationships>"],
    ].concat(sheets.map(function (s, i) { return ["xl/worksheets/sheet" + (i + 1) + ".xml", sheetXml(s.rows)]; }));
    return zip(files);
  }

  var CRC = (function () {
    var t = new Int32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      t[n] = c;
    }
    return t;
  })();

  function crc32(bytes) {
    var c = -1;
    for (var i = 0; i < bytes.length; i++) c = CRC[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    return (c ^ -1) >>> 0;
  }

  // A zip archive of stored entries, dated 1980-01-01 so that the same workbook gives the same bytes.
  function zip(files) {
    var enc = new TextEncoder(), parts = [], central = [], offset = 0;
    function header(sig, size) {
      var b = new DataView(new ArrayBuffer(size));
      b.setUint32(0, sig, true);
      return b;
    }
    files.forEach(function (f) {
      var name = enc.encode(f[0]), data = enc.encode(f[1]), crc = crc32(data);
      var local = header(0x04034b50, 30);
      local.setUint16(4, 20, true);
      local.setUint16(6, 0x0800, true);
      local.setUint16(12, 0x21, true);
      local.setUint32(14, crc, true);
      local.setUint32(18, data.length, true);
      local.setUint32(22, data.length, true);
      local.setUint16(26, name.length, true);
      var dir = header(0x02014b50, 46);
      dir.setUint16(4, 20, true);
      dir.setUint16(6, 20, true);
      dir.setUint16(8, 0x0800, true);
      dir.setUint16(14, 0x21, true);
      dir.setUint32(16, crc, true);
      dir.setUint32(20, data.length, true);
      dir.setUint32(24, data.length, true);
      dir.setUint16(28, name.length, true);
      dir.setUint32(42, offset, true);
      parts.push(new Uint8Array(local.buffer), name, data);
      central.push(new Uint8Array(dir.buffer), name);
      offset += 30 + name.length + data.length;
    });
    var size = central.reduce(function (n, p) { return n + p.length; }, 0);
    var end = header(0x06054b50, 22);
    end.setUint16(8, files.length, true);
    end.setUint16(10, files.length, true);
    end.setUint32(12, size, true);
    end.setUint32(16, offset, true);
    var all = parts.concat(central, [new Uint8Array(end.buffer)]);
    var out = new Uint8Array(all.reduce(function (n, p) { return n + p.length; }, 0)), at = 0;
    all.forEach(function (p) {
      out.set(p, at);
      at += p.length;
    });
    return out;
  }

  // ------------------------------------------------------------------ mounting

  function mount() {
    var data = window.dtSimulatorData;
    var roots = document.querySelectorAll(".dt-sim[data-dt-sim]");
    Array.prototype.forEach.call(roots, function (root) {
      if (root.dtSim) return;
      if (!data) {
        clear(root).appendChild(h("p", { class: "dt-sim-warning", text: "模拟器所需的数据未能加载。" }));
        return;
      }
      var config = {};
      var block = root.querySelector("script.dt-sim-config");
      if (block) {
        try {
          config = JSON.parse(block.textContent);
        } catch (err) {
          config = {};
        }
      }
      try {
        root.dtSim = new App(root, api.model || (api.model = new Model(data)), {
          mode: root.getAttribute("data-dt-sim"), base: config.base, full: config.full,
        });
        api.apps.push(root.dtSim);
      } catch (err) {
        clear(root).appendChild(h("p", { class: "dt-sim-warning", text: "模拟器未能启动：" + err.message }));
        if (window.console) console.error(err);
      }
    });
  }

  api.App = App;
  api.fixed = fixed;
  api.xlsx = xlsx;
  window.dtSimulator = api;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();
