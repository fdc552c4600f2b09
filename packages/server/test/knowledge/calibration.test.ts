import { describe, expect, it } from 'vitest';
import { PlattCalibrator, type CalibrationSample } from '../../src/modules/knowledge/retrieval/calibration.js';
import { seededRandom } from '../../src/modules/knowledge/retrieval/random.js';
import { FaqIndex } from '../../src/modules/knowledge/retrieval/index.js';
import { CUSTOMER_SERVICE_FAQ } from './customer-service-faq.js';

/** Samples whose true probability of being right is σ(-4 + 6·x0 + 2·x1); x2 is noise. */
function syntheticSamples(count: number): CalibrationSample[] {
  const random = seededRandom(42);
  return Array.from({ length: count }, () => {
    const inputs = [random(), random(), random()];
    const p = 1 / (1 + Math.exp(-(-4 + 6 * (inputs[0] as number) + 2 * (inputs[1] as number))));
    return { inputs, correct: random() < p };
  });
}

describe('PlattCalibrator', () => {
  const calibrator = PlattCalibrator.fit(syntheticSamples(4000), 3);

  it('recovers a known calibration', () => {
    expect(calibrator.confidence([0.9, 0.5, 0.5])).toBeCloseTo(1 / (1 + Math.exp(-(-4 + 5.4 + 1))), 1);
    expect(calibrator.confidence([0.1, 0.1, 0.5])).toBeLessThan(0.1);
  });

  it('is monotonic: raising any input never lowers confidence', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 500; trial++) {
      const inputs = [random(), random(), random()];
      const base = calibrator.confidence(inputs);
      for (let i = 0; i < inputs.length; i++) {
        const raised = [...inputs];
        raised[i] = (raised[i] as number) + random() * 0.5;
        expect(calibrator.confidence(raised)).toBeGreaterThanOrEqual(base);
      }
    }
  });

  it('never learns a negative weight, even for an input that predicts errors', () => {
    const inverted = syntheticSamples(2000).map((sample) => ({
      ...sample,
      inputs: [1 - (sample.inputs[0] as number), ...sample.inputs.slice(1)],
    }));
    const fitted = PlattCalibrator.fit(inverted, 3);
    for (const weight of fitted.parameters.weights) expect(weight).toBeGreaterThanOrEqual(0);
  });

  it('stays between 0 and 1', () => {
    expect(calibrator.confidence([100, 100, 100])).toBeLessThanOrEqual(1);
    expect(calibrator.confidence([-100, -100, -100])).toBeGreaterThanOrEqual(0);
  });
});

describe('FaqIndex calibration', () => {
  it('fits non-negative weights on held-out questions', () => {
    const index = FaqIndex.build(CUSTOMER_SERVICE_FAQ);
    const { weights } = index.calibration;
    expect(weights.some((weight) => weight > 0)).toBe(true);
    for (const weight of weights) expect(weight).toBeGreaterThanOrEqual(0);
  });

  it('gives a matching question more confidence than an unrelated one', () => {
    const index = FaqIndex.build(CUSTOMER_SERVICE_FAQ);
    const matching = index.search('申请退款后多久到账', 1)[0]?.confidence ?? 0;
    const unrelated = index.search('明天会下雨吗', 1)[0]?.confidence ?? 0;
    expect(matching).toBeGreaterThan(0.8);
    expect(unrelated).toBeLessThan(matching - 0.4);
  });
});
