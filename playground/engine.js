/* The playground's engine: the course's update rules, learning-rate schedules,
 * Newton's step and test functions, in JavaScript.
 *
 * It is a second implementation of the reference package, written from it
 * rule by rule: solutions/update_rules.py, solutions/schedules.py,
 * solutions/second_order.py (newton_step) and chapters/landscapes.py. Names
 * are those of the reference (snake_case), so that tests/test_playground.py
 * can call each one with the same arguments as its Python twin and compare
 * the results step by step. Every formula keeps the reference's order of
 * operations, so the two agree to the last bits of float64, not just to a
 * tolerance.
 *
 * Vectors are plain arrays of numbers of any length; every function returns
 * new arrays and never changes its arguments. Arguments are not validated:
 * the widget only passes values its controls allow.
 *
 * This file is never published as it is: scripts/build_site.py carries it
 * into the site's playground.js base64-encoded, so that no update rule that
 * students write as an exercise appears there in readable form (README.md,
 * "The optimizer playground").
 */
var DescentEngine = (function () {
  "use strict";

  // ------------------------------------------------ element-wise helpers

  function zeros(n) {
    return new Array(n).fill(0);
  }

  function add(a, b) {
    return a.map(function (ai, i) { return ai + b[i]; });
  }

  function square(a) {
    return a.map(function (ai) { return ai * ai; });
  }

  // Exponential moving average: decay * average + (1 - decay) * x.
  function ema(average, x, decay) {
    return average.map(function (ai, i) { return decay * ai + (1.0 - decay) * x[i]; });
  }

  // Bias correction of a zero-initialized average: average / (1 - decay^t).
  function debias(average, decay, t) {
    var correction = 1.0 - Math.pow(decay, t);
    return average.map(function (ai) { return ai / correction; });
  }

  // The adaptive step w - lr * direction / (sqrt(second_moment) + eps), eps outside the root.
  function adaptive_step(w, direction, second_moment, lr, eps) {
    return w.map(function (wi, i) {
      return wi - lr * direction[i] / (Math.sqrt(second_moment[i]) + eps);
    });
  }

  // ------------------------------------------------------- update rules

  // w - lr * g
  function gd_step(w, g, lr) {
    return w.map(function (wi, i) { return wi - lr * g[i]; });
  }

  // v = beta v + (1 - beta) g;  w = w - lr v   (exponential-average form)
  function momentum_step(w, g, v, lr, beta) {
    var v_new = ema(v, g, beta);
    return [w.map(function (wi, i) { return wi - lr * v_new[i]; }), v_new];
  }

  // v = rho v + g;  w = w - lr v   (velocity-sum form, Polyak's heavy ball)
  function heavy_ball_step(w, g, v, lr, rho) {
    var v_new = v.map(function (vi, i) { return rho * vi + g[i]; });
    return [w.map(function (wi, i) { return wi - lr * v_new[i]; }), v_new];
  }

  // v = rho v + g;  w = w - lr (g + rho v)   (the look-ahead form rewritten)
  function nesterov_step(w, g, v, lr, rho) {
    var v_new = v.map(function (vi, i) { return rho * vi + g[i]; });
    return [w.map(function (wi, i) { return wi - lr * (g[i] + rho * v_new[i]); }), v_new];
  }

  // G = G + g^2;  w = w - lr g / (sqrt(G) + eps)
  function adagrad_step(w, g, G, lr, eps) {
    var G_new = add(G, square(g));
    return [adaptive_step(w, g, G_new, lr, eps), G_new];
  }

  // s = beta s + (1 - beta) g^2;  w = w - lr g / (sqrt(s) + eps)
  function rmsprop_step(w, g, s, lr, beta, eps) {
    var s_new = ema(s, square(g), beta);
    return [adaptive_step(w, g, s_new, lr, eps), s_new];
  }

  // Adam's moments and step. Without bias correction the step uses m and v
  // themselves, which is the corrected step in the limit t -> infinity.
  function adam_update(w, g, m, v, t, lr, beta1, beta2, eps, bias_correction) {
    var m_new = ema(m, g, beta1);
    var v_new = ema(v, square(g), beta2);
    var m_hat = bias_correction ? debias(m_new, beta1, t) : m_new;
    var v_hat = bias_correction ? debias(v_new, beta2, t) : v_new;
    return [adaptive_step(w, m_hat, v_hat, lr, eps), m_new, v_new];
  }

  function adam_step(w, g, m, v, t, lr, beta1, beta2, eps, bias_correction) {
    return adam_update(w, g, m, v, t, lr, beta1, beta2, eps, bias_correction !== false);
  }

  // w = w (1 - lr weight_decay), then Adam's step from there (decoupled decay).
  function adamw_step(w, g, m, v, t, lr, beta1, beta2, eps, weight_decay, bias_correction) {
    var decayed = w.map(function (wi) { return wi * (1.0 - lr * weight_decay); });
    return adam_update(decayed, g, m, v, t, lr, beta1, beta2, eps, bias_correction !== false);
  }

  // Dozat's momentum schedule mu_t = beta1 (1 - 0.96^(t psi) / 2).
  function nadam_momentum(t, beta1, momentum_decay) {
    return beta1 * (1.0 - 0.5 * Math.pow(0.96, t * momentum_decay));
  }

  // NAdam as torch.optim.NAdam; returns [w, m, v, mu_product].
  function nadam_step(w, g, m, v, t, mu_product, lr, beta1, beta2, eps, momentum_decay) {
    var mu = nadam_momentum(t, beta1, momentum_decay);
    var mu_next = nadam_momentum(t + 1, beta1, momentum_decay);
    var product = mu_product * mu;
    var m_new = ema(m, g, beta1);
    var v_new = ema(v, square(g), beta2);
    var denom = debias(v_new, beta2, t).map(function (vi) { return Math.sqrt(vi) + eps; });
    var w_new = w.map(function (wi, i) {
      return wi - lr * (1.0 - mu) / (1.0 - product) * g[i] / denom[i]
        - lr * mu_next / (1.0 - product * mu_next) * m_new[i] / denom[i];
    });
    return [w_new, m_new, v_new, product];
  }

  // Solve A x = b by Gaussian elimination with partial pivoting (A is n x n,
  // given as an array of rows); null when A is singular.
  function solve(A, b) {
    var n = b.length;
    var M = A.map(function (row, i) { return row.slice().concat([b[i]]); });
    for (var col = 0; col < n; col++) {
      var pivot = col;
      for (var r = col + 1; r < n; r++) {
        if (Math.abs(M[r][col]) > Math.abs(M[pivot][col])) pivot = r;
      }
      if (M[pivot][col] === 0) return null;
      var swap = M[col]; M[col] = M[pivot]; M[pivot] = swap;
      for (var below = col + 1; below < n; below++) {
        var factor = M[below][col] / M[col][col];
        for (var c = col; c <= n; c++) M[below][c] -= factor * M[col][c];
      }
    }
    var x = zeros(n);
    for (var i = n - 1; i >= 0; i--) {
      var sum = M[i][n];
      for (var j = i + 1; j < n; j++) sum -= M[i][j] * x[j];
      x[i] = sum / M[i][i];
    }
    return x;
  }

  // Newton's step w + delta with H delta = -grad; null when H is singular.
  function newton_step(w, grad, hess) {
    var delta = solve(hess, grad.map(function (gi) { return -gi; }));
    return delta === null ? null : add(w, delta);
  }

  // ------------------------------------------------ learning-rate schedules

  // lr0 / (1 + k epoch)
  function update_lr(learning_rate0, epoch_num, decay_rate) {
    return learning_rate0 / (1.0 + decay_rate * epoch_num);
  }

  // lr0 / (1 + k floor(epoch / T))
  function schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval) {
    return learning_rate0 / (1.0 + decay_rate * Math.floor(epoch_num / time_interval));
  }

  // lr0 exp(-k epoch)
  function exponential_decay(learning_rate0, epoch_num, k) {
    return learning_rate0 * Math.exp(-k * epoch_num);
  }

  // lr0 drop^floor(epoch / T)
  function step_decay(learning_rate0, epoch_num, drop, epochs_per_drop) {
    return learning_rate0 * Math.pow(drop, Math.floor(epoch_num / epochs_per_drop));
  }

  // min + (lr0 - min)(1 + cos(pi min(step, T) / T)) / 2
  function cosine(learning_rate0, step, total_steps, min_learning_rate) {
    var progress = Math.min(step, total_steps) / total_steps;
    return min_learning_rate + 0.5 * (learning_rate0 - min_learning_rate) * (1.0 + Math.cos(Math.PI * progress));
  }

  function cosine_decay(learning_rate0, step, total_steps, min_learning_rate) {
    return cosine(learning_rate0, step, total_steps, min_learning_rate || 0.0);
  }

  // lr0 min(1, (step + 1) / W)
  function linear_warmup(learning_rate0, step, warmup_steps) {
    return learning_rate0 * Math.min(1.0, (step + 1.0) / warmup_steps);
  }

  // The warm-up of linear_warmup for W steps, then cosine decay over T - W.
  function warmup_cosine(learning_rate0, step, warmup_steps, total_steps, min_learning_rate) {
    var min_lr = min_learning_rate || 0.0;
    if (step < warmup_steps) {
      return learning_rate0 * Math.min(1.0, (step + 1.0) / Math.max(warmup_steps, 1));
    }
    return cosine(learning_rate0, Math.max(step - warmup_steps, 0.0), total_steps - warmup_steps, min_lr);
  }

  // The rate of update t (1-based) of a run of total_steps updates: the
  // schedules count steps (epochs) from 0, so update t uses step t - 1.
  // Cosine schedules decay over the whole run; min_fraction scales lr0.
  function scheduled_rate(schedule, lr0, t, total_steps) {
    var step = t - 1;
    var p = schedule || { kind: "constant" };
    switch (p.kind) {
      case "constant": return lr0;
      case "inverse_time": return update_lr(lr0, step, p.decay_rate);
      case "fixed_interval": return schedule_lr_decay(lr0, step, p.decay_rate, p.time_interval);
      case "exponential": return exponential_decay(lr0, step, p.k);
      case "step": return step_decay(lr0, step, p.drop, p.epochs_per_drop);
      case "cosine": return cosine_decay(lr0, step, total_steps, p.min_fraction * lr0);
      case "linear_warmup": return linear_warmup(lr0, step, p.warmup_steps);
      case "warmup_cosine":
        return warmup_cosine(lr0, step, p.warmup_steps, total_steps, p.min_fraction * lr0);
      default: throw new Error("unknown schedule " + p.kind);
    }
  }

  // ------------------------------------------------------- test functions

  // Each landscape: f(w), grad(w), hess(w) of a point w = [x, y], with its
  // plotting window, minimizer (null when unbounded below) and usual start,
  // as in chapters/landscapes.py. Parameters are fixed per entry.

  function ravine(a, b) {
    return {
      f: function (w) { return 0.5 * (a * Math.pow(w[0], 2) + b * Math.pow(w[1], 2)); },
      grad: function (w) { return [a * w[0], b * w[1]]; },
      hess: function () { return [[a, 0], [0, b]]; },
    };
  }

  // 0.5 w^T H w with H = R diag(a, b) R^T, R the rotation by angle_degrees
  // (chapter 4's turned bowl).
  function turned_bowl(a, b, angle_degrees) {
    var angle = angle_degrees * Math.PI / 180;
    var c = Math.cos(angle), s = Math.sin(angle);
    var H = [[a * c * c + b * s * s, (a - b) * c * s], [(a - b) * c * s, a * s * s + b * c * c]];
    function grad(w) { return [H[0][0] * w[0] + H[0][1] * w[1], H[1][0] * w[0] + H[1][1] * w[1]]; }
    return {
      f: function (w) { var g = grad(w); return 0.5 * (w[0] * g[0] + w[1] * g[1]); },
      grad: grad,
      hess: function () { return H; },
    };
  }

  var saddle = {
    f: function (w) { return Math.pow(w[0], 2) - Math.pow(w[1], 2); },
    grad: function (w) { return [2 * w[0], -2 * w[1]]; },
    hess: function () { return [[2, 0], [0, -2]]; },
  };

  var monkey_saddle = {
    f: function (w) { return Math.pow(w[0], 3) - 3 * w[0] * Math.pow(w[1], 2); },
    grad: function (w) {
      return [3 * Math.pow(w[0], 2) - 3 * Math.pow(w[1], 2), -6 * w[0] * w[1]];
    },
    hess: function (w) { return [[6 * w[0], -6 * w[1]], [-6 * w[1], -6 * w[0]]]; },
  };

  var escape_saddle = {
    f: function (w) {
      return 0.5 * Math.pow(w[0], 2) - 0.5 * Math.pow(w[1], 2) + 0.25 * Math.pow(w[1], 4);
    },
    grad: function (w) { return [w[0], Math.pow(w[1], 3) - w[1]]; },
    hess: function (w) { return [[1, 0], [0, 3 * Math.pow(w[1], 2) - 1]]; },
  };

  function rosenbrock(a, b) {
    return {
      f: function (w) { return Math.pow(a - w[0], 2) + b * Math.pow(w[1] - Math.pow(w[0], 2), 2); },
      grad: function (w) {
        var x = w[0], y = w[1];
        return [-2 * (a - x) - 4 * b * x * (y - Math.pow(x, 2)), 2 * b * (y - Math.pow(x, 2))];
      },
      hess: function (w) {
        var x = w[0], y = w[1];
        return [[2 - 4 * b * (y - Math.pow(x, 2)) + 8 * b * Math.pow(x, 2), -4 * b * x],
                [-4 * b * x, 2 * b]];
      },
    };
  }

  function landscape(fn, meta) {
    return Object.assign({}, fn, meta);
  }

  var LANDSCAPES = {
    ravine: landscape(ravine(1.0, 10.0), {
      name: "Ravine, κ = 10", note: "(x² + 10y²)/2, condition number 10 (chapter 1)",
      xlim: [-5, 5], ylim: [-2, 2], minimum: [0, 0], start: [-4.5, 1.5], log_levels: false,
    }),
    long_ravine: landscape(ravine(0.1, 10.0), {
      name: "Long ravine, κ = 100", note: "(0.1x² + 10y²)/2, condition number 100 (chapters 3 and 4)",
      xlim: [-5, 5], ylim: [-2, 2], minimum: [0, 0], start: [-4.5, 1.5], log_levels: true,
    }),
    turned_bowl: landscape(turned_bowl(0.1, 10.0, 30), {
      name: "Bowl turned by 30°", note: "the long ravine turned by 30°: ½wᵀHw, H = R diag(0.1, 10) Rᵀ (chapter 4)",
      xlim: [-5, 5], ylim: [-2.6, 2.2], minimum: [0, 0], start: [-4.5, 1.5], log_levels: true,
    }),
    rosenbrock: landscape(rosenbrock(1.0, 100.0), {
      name: "Rosenbrock", note: "(1 − x)² + 100(y − x²)², a curved valley; minimum at (1, 1)",
      xlim: [-2, 2], ylim: [-1, 3], minimum: [1, 1], start: [-1.5, 2], log_levels: true,
    }),
    saddle: landscape(saddle, {
      name: "Saddle", note: "x² − y², unbounded below along y",
      xlim: [-1.5, 1.5], ylim: [-1.5, 1.5], minimum: null, start: [1, 0.01], log_levels: false,
    }),
    monkey_saddle: landscape(monkey_saddle, {
      name: "Monkey saddle", note: "x³ − 3xy²: gradient and Hessian vanish at the origin",
      xlim: [-1.5, 1.5], ylim: [-1.5, 1.5], minimum: null, start: [0.5, 0.6], log_levels: false,
    }),
    escape_saddle: landscape(escape_saddle, {
      name: "Saddle between two minima", note: "x²/2 − y²/2 + y⁴/4 (chapter 1)",
      xlim: [-2, 2], ylim: [-1.6, 1.6], minimum: [0, 1], start: [1.8, 0.01], log_levels: false,
    }),
    noisy_ravine: landscape(ravine(1.0, 10.0), {
      name: "Noisy ravine (SGD)", note: "(x² + 10y²)/2 with N(0, σ²) noise on each gradient component (chapter 6)",
      xlim: [-5, 5], ylim: [-2, 2], minimum: [0, 0], start: [-4.5, 1.5], log_levels: false, noisy: true,
    }),
  };

  // --------------------------------------------- reproducible Gaussian noise

  // Standard normal draws from a seeded generator (mulberry32 and the
  // Box-Muller transform): the same seed gives every racer the same noise.
  function normal_draws(seed, count) {
    var state = seed >>> 0;
    function uniform() {  // in (0, 1)
      state = (state + 0x6D2B79F5) >>> 0;
      var z = state;
      z = Math.imul(z ^ (z >>> 15), z | 1);
      z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
      return ((((z ^ (z >>> 14)) >>> 0) + 0.5) / 4294967296);
    }
    var draws = [];
    while (draws.length < count) {
      var radius = Math.sqrt(-2 * Math.log(uniform()));
      var angle = 2 * Math.PI * uniform();
      draws.push(radius * Math.cos(angle), radius * Math.sin(angle));
    }
    return draws.slice(0, count);
  }

  // ---------------------------------------------------------- optimizers

  // Each optimizer: init(w) -> state, and step(w, g, state, t, lr, hyper, hess)
  // -> [w, state], or null when the step cannot be taken (singular Hessian).
  var OPTIMIZERS = {
    gd: {
      init: function () { return null; },
      step: function (w, g, state, t, lr) { return [gd_step(w, g, lr), null]; },
    },
    momentum: {
      init: function (w) { return zeros(w.length); },
      step: function (w, g, v, t, lr, h) { return momentum_step(w, g, v, lr, h.beta); },
    },
    heavy_ball: {
      init: function (w) { return zeros(w.length); },
      step: function (w, g, v, t, lr, h) { return heavy_ball_step(w, g, v, lr, h.rho); },
    },
    nesterov: {
      init: function (w) { return zeros(w.length); },
      step: function (w, g, v, t, lr, h) { return nesterov_step(w, g, v, lr, h.rho); },
    },
    adagrad: {
      init: function (w) { return zeros(w.length); },
      step: function (w, g, G, t, lr, h) { return adagrad_step(w, g, G, lr, h.eps); },
    },
    rmsprop: {
      init: function (w) { return zeros(w.length); },
      step: function (w, g, s, t, lr, h) { return rmsprop_step(w, g, s, lr, h.beta, h.eps); },
    },
    adam: {
      init: function (w) { return [zeros(w.length), zeros(w.length)]; },
      step: function (w, g, mv, t, lr, h) {
        var out = adam_step(w, g, mv[0], mv[1], t, lr, h.beta1, h.beta2, h.eps, h.bias_correction);
        return [out[0], [out[1], out[2]]];
      },
    },
    adamw: {
      init: function (w) { return [zeros(w.length), zeros(w.length)]; },
      step: function (w, g, mv, t, lr, h) {
        var out = adamw_step(w, g, mv[0], mv[1], t, lr, h.beta1, h.beta2, h.eps, h.weight_decay,
                             h.bias_correction);
        return [out[0], [out[1], out[2]]];
      },
    },
    nadam: {
      init: function (w) { return [zeros(w.length), zeros(w.length), 1.0]; },
      step: function (w, g, state, t, lr, h) {
        var out = nadam_step(w, g, state[0], state[1], t, state[2], lr, h.beta1, h.beta2, h.eps,
                             h.momentum_decay);
        return [out[0], [out[1], out[2], out[3]]];
      },
    },
    newton: {
      uses_hessian: true,
      init: function () { return null; },
      step: function (w, g, state, t, lr, h, hess) {
        var w_new = newton_step(w, g, hess);
        return w_new === null ? null : [w_new, null];
      },
    },
  };

  // Beyond this distance from the origin a run counts as diverged: the
  // windows are a few units wide, and squaring such numbers overflows soon.
  var DIVERGED = 1e100;

  // One racer's run: spec = {landscape, start, steps, optimizer, hyper,
  // schedule, sigma, seed}. Returns the iterates w_0 ... w_K, their losses,
  // the rate of every update and why the run stopped early (or null).
  function run(spec) {
    var land = LANDSCAPES[spec.landscape];
    var optimizer = OPTIMIZERS[spec.optimizer];
    var noise = land.noisy ? normal_draws(spec.seed, 2 * spec.steps) : null;
    var w = spec.start.slice();
    var state = optimizer.init(w);
    var path = [w], losses = [land.f(w)], rates = [], stopped = null;
    for (var t = 1; t <= spec.steps; t++) {
      var lr = "lr" in spec.hyper ? scheduled_rate(spec.schedule, spec.hyper.lr, t, spec.steps) : null;
      var g = land.grad(w);
      if (noise) g = [g[0] + spec.sigma * noise[2 * t - 2], g[1] + spec.sigma * noise[2 * t - 1]];
      var next = optimizer.step(w, g, state, t, lr, spec.hyper,
                                optimizer.uses_hessian ? land.hess(w) : null);
      if (next === null) { stopped = "singular Hessian at step " + t; break; }
      w = next[0];
      state = next[1];
      if (!w.every(function (wi) { return Math.abs(wi) < DIVERGED; })) {
        stopped = "diverged at step " + t;
        break;
      }
      path.push(w);
      losses.push(land.f(w));
      rates.push(lr);
    }
    return { path: path, losses: losses, rates: rates, stopped: stopped };
  }

  return {
    // the reference's functions, one to one
    gd_step: gd_step, momentum_step: momentum_step, heavy_ball_step: heavy_ball_step,
    nesterov_step: nesterov_step, adagrad_step: adagrad_step, rmsprop_step: rmsprop_step,
    adam_step: adam_step, adamw_step: adamw_step, nadam_step: nadam_step, newton_step: newton_step,
    update_lr: update_lr, schedule_lr_decay: schedule_lr_decay, exponential_decay: exponential_decay,
    step_decay: step_decay, cosine_decay: cosine_decay, linear_warmup: linear_warmup,
    warmup_cosine: warmup_cosine,
    // what the widget runs
    landscapes: LANDSCAPES, optimizers: Object.keys(OPTIMIZERS), normal_draws: normal_draws,
    scheduled_rate: scheduled_rate, run: run,
  };
})();
