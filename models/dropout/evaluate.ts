// The OULAD evaluation (scripts/eval-dropout.mjs): per cutoff day, train on the 2013
// presentations and test on 2014, logistic regression (the baseline) against the production
// dropout model, both on the same encoded features; ROC-AUC and Brier score on the test year.
import type { Tf } from "../tf/backend";
import { encodeAll, fitEncoder, type FeatureSpec } from "../propensity/features";
import { rocAuc } from "../propensity/metrics";
import { referencePredict } from "../propensity/model";
import { tfjsPredict, trainNetwork } from "../propensity/network";
import { brierScore } from "./metrics";
import { trainDropoutModel, type DropoutModel } from "./model";
import { ouladExamples, type OuladData } from "./oulad";

export const OULAD_CUTOFFS = [30, 60, 90, 120] as const;
export const TRAIN_YEAR = 2013;

export interface Score {
  auc: number;
  brier: number;
}

export interface CutoffResult {
  cutoff: number;
  train: number;
  test: number;
  testPositives: number;
  logistic_regression: Score;
  model: Score;
  registration_only: Score;
  /** The production model and its test inputs, for the ONNX export check. */
  fitted: DropoutModel;
  xTest: Float32Array;
}

export async function evaluateCutoff(
  tf: Tf,
  data: OuladData,
  cutoff: number,
  spec: FeatureSpec,
  registrationSpec: FeatureSpec,
): Promise<CutoffResult> {
  const examples = ouladExamples(data, cutoff);
  const train = examples.filter((e) => e.year === TRAIN_YEAR);
  const test = examples.filter((e) => e.year !== TRAIN_YEAR);
  const y = Float32Array.from(train, (e) => e.label);
  const yTest = Float32Array.from(test, (e) => e.label);
  const score = (p: ArrayLike<number>): Score => ({ auc: rocAuc(yTest, p), brier: brierScore(yTest, p) });
  const fit = (s: FeatureSpec) => {
    const encoder = fitEncoder(
      train.map((e) => e.row),
      s,
    );
    return {
      width: encoder.width,
      x: encodeAll(
        encoder,
        train.map((e) => e.row),
      ),
      xTest: encodeAll(
        encoder,
        test.map((e) => e.row),
      ),
    };
  };
  const all = fit(spec);
  const logistic = await trainNetwork(tf, all.x, y, all.width, { hidden: 0 });
  const model = await trainDropoutModel(tf, all.x, y, all.width);
  // What registration data alone gives (SOURCE.md: about 0.68), with the same logistic regression.
  const reg = fit(registrationSpec);
  const regLogistic = await trainNetwork(tf, reg.x, y, reg.width, { hidden: 0 });
  return {
    cutoff,
    train: train.length,
    test: test.length,
    testPositives: yTest.reduce((a, b) => a + b, 0),
    logistic_regression: score(tfjsPredict(tf, logistic, all.xTest)),
    model: score(referencePredict(tf, model, all.xTest)),
    registration_only: score(tfjsPredict(tf, regLogistic, reg.xTest)),
    fitted: model,
    xTest: all.xTest,
  };
}
