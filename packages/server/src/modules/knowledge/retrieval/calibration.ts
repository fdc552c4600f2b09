import { finish, type Work } from './cooperative.js';

/**
 * Platt scaling with several inputs: confidence = σ(b + Σ aᵢ·xᵢ), fitted by logistic
 * regression on held-out examples labelled right (1) or wrong (0).
 *
 * Every input is a "higher is better" score (see confidence-features.ts) and every aᵢ is kept
 * ≥ 0, so confidence can only rise when any score rises: a better match never gets a lower
 * confidence, and thresholds on confidence behave predictably. With a few hundred examples
 * this is also far less prone to overfitting than isotonic regression.
 */
export interface CalibrationSample {
  readonly inputs: readonly number[];
  readonly correct: boolean;
}

export interface CalibrationModel {
  readonly bias: number;
  readonly weights: readonly number[];
}

export class PlattCalibrator {
  constructor(private model: CalibrationModel) {}

  /** An uninformed calibrator: confidence is the first input, squashed. */
  static identity(inputCount: number): PlattCalibrator {
    const weights = new Array<number>(inputCount).fill(0);
    weights[0] = 6;
    return new PlattCalibrator({ bias: -3, weights });
  }

  static fit(samples: readonly CalibrationSample[], inputCount: number, l2 = 1e-3): PlattCalibrator {
    return finish(PlattCalibrator.fitting(samples, inputCount, l2));
  }

  /** fit() as work that yields between slices (cooperative.ts). */
  static *fitting(samples: readonly CalibrationSample[], inputCount: number, l2 = 1e-3): Work<PlattCalibrator> {
    const positives = samples.filter((s) => s.correct).length;
    if (samples.length === 0 || positives === 0 || positives === samples.length) {
      // Nothing to separate; keep the shape but not a fitted level.
      return PlattCalibrator.identity(inputCount);
    }
    const weights = new Float64Array(inputCount);
    let bias = 0;
    // Projected gradient descent with Adam steps: 5-ish inputs, ≤ a few thousand samples.
    const mW = new Float64Array(inputCount);
    const vW = new Float64Array(inputCount);
    let mB = 0;
    let vB = 0;
    const rate = 0.05;
    for (let step = 1; step <= 1500; step++) {
      if (step % 50 === 0) yield;
      const gW = new Float64Array(inputCount);
      let gB = 0;
      for (const sample of samples) {
        const p = sigmoid(bias + dot(weights, sample.inputs));
        const error = (p - (sample.correct ? 1 : 0)) / samples.length;
        gB += error;
        for (let i = 0; i < inputCount; i++) gW[i] = (gW[i] as number) + error * (sample.inputs[i] ?? 0);
      }
      const correction1 = 1 - 0.9 ** step;
      const correction2 = 1 - 0.999 ** step;
      for (let i = 0; i < inputCount; i++) {
        const g = (gW[i] as number) + l2 * (weights[i] as number);
        mW[i] = 0.9 * (mW[i] as number) + 0.1 * g;
        vW[i] = 0.999 * (vW[i] as number) + 0.001 * g * g;
        const next =
          (weights[i] as number) - (rate * ((mW[i] as number) / correction1)) / (Math.sqrt((vW[i] as number) / correction2) + 1e-8);
        weights[i] = Math.max(0, next);
      }
      mB = 0.9 * mB + 0.1 * gB;
      vB = 0.999 * vB + 0.001 * gB * gB;
      bias -= (rate * (mB / correction1)) / (Math.sqrt(vB / correction2) + 1e-8);
    }
    return new PlattCalibrator({ bias, weights: [...weights] });
  }

  get parameters(): CalibrationModel {
    return this.model;
  }

  confidence(inputs: readonly number[]): number {
    return sigmoid(this.model.bias + dot(this.model.weights, inputs));
  }
}

function dot(weights: ArrayLike<number>, inputs: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += (weights[i] as number) * (inputs[i] ?? 0);
  return sum;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
