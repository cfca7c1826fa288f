/**
 * setx and sim refuse bad input with a message that names the bad value and the fix (issue 3, "must show" 4).
 */
import {describe, expect, it} from "vitest";
import {quantile, randomSource, setx, sim} from "../src/qi/index.js";
import {dataset, fitOf} from "./helpers/fits.js";
import {refusal} from "./helpers/refusal.js";

const vote = () => fitOf("voteincome", "income ~ education + age + female + tag(1 | state)");
const cake = () => fitOf("cake", "angle ~ recipe * temp + (1 | replicate)");

describe("setx refuses", () => {
  it("an override naming a variable not in the model", () => {
    expect(refusal(() => setx(vote(), {educ: 4}))).toBe(
      "unknown variable in setx: educ; the model's variables are education, age, female and its grouping factors state"
    );
    expect(refusal(() => setx(vote(), {vote: 1}))).toMatch(/^unknown variable in setx: vote;/);
  });

  it("a factor level not in the data, listing the levels", () => {
    expect(refusal(() => setx(cake(), {recipe: "D"}, {data: dataset("cake")}))).toBe(
      "level \"D\" of recipe is not in the data; its levels are A, B, C"
    );
    expect(refusal(() => setx(vote(), {state: "TX"}))).toBe(
      "level \"TX\" of state is not in the data; its levels are AR, SC; for a new group give NEW_GROUP (or \"new\")"
    );
  });

  it("a text value for a numeric column, and an empty array", () => {
    expect(refusal(() => setx(vote(), {age: "old"}))).toBe("invalid value for age: \"old\"; age is numeric, give a finite number");
    expect(refusal(() => setx(vote(), {age: NaN}))).toMatch(/^invalid value for age: NaN;/);
    expect(refusal(() => setx(vote(), {age: []}))).toBe("empty override for age; give at least one value");
  });

  it("a factor model without its data, saying how to pass it", () => {
    expect(refusal(() => setx(cake()))).toBe(
      "setx needs the data the model was fit on: column recipe has no model-matrix column of its own " +
        "(a factor, or used only in a transform or interaction); pass it as setx(model, overrides, {data})"
    );
  });

  it("data that is not the model's", () => {
    expect(refusal(() => setx(cake(), {}, {data: dataset("voteincome")}))).toBe(
      "the data has 1500 rows but the model was fit on 270; pass the table the model was fit on"
    );
    const shuffled = dataset("cake").orderby("temp");
    expect(refusal(() => setx(cake(), {}, {data: shuffled}))).toMatch(/^the data does not give the model's design/);
  });

  it("bad probabilities, options and models", () => {
    expect(refusal(() => quantile(80))).toBe("invalid probability for quantile: 80; use a number from 0 to 1, such as 0.8");
    expect(refusal(() => setx(vote(), {}, {center: "mode" as "mean"}))).toBe("invalid center: the string \"mode\"; use \"mean\" or \"median\"");
    expect(refusal(() => setx({} as never))).toBe("setx needs a model fitted by lmer or glmer, got an object; call setx(lmer(formula, data), …)");
  });
});

describe("sim refuses", () => {
  const m = vote();
  const x = setx(m);

  it("n that is not a positive integer", () => {
    for (const n of [0, -5, 2.5, NaN, "1000"]) {
      expect(refusal(() => sim(m, {x, n: n as number}))).toMatch(/^invalid n: .+; n is the number of draws, a positive integer such as 1000$/);
    }
    expect(refusal(() => sim(m, {x, n: 2.5}))).toBe("invalid n: 2.5; n is the number of draws, a positive integer such as 1000");
  });

  it("x1 without x", () => {
    expect(refusal(() => sim(m, {x1: x}))).toBe("x1 needs x: first differences compare x1 with x; pass sim(model, {x: setx(model, …), x1})");
  });

  it("a treatment column that is not 0/1", () => {
    expect(refusal(() => sim(m, {treatment: "education"}))).toBe(
      "treatment column education is not 0/1: row 1 holds 2; code it 0 for control and 1 for treated"
    );
    expect(refusal(() => sim(m, {treatment: "vote"}))).toBe(
      "treatment column vote is not a covariate of the model; the model's covariates are education, age, female"
    );
  });

  it("nothing to simulate, profiles of another model, mismatched profiles, bad seeds and options", () => {
    expect(refusal(() => sim(m, {}))).toMatch(/^sim needs profiles or a treatment/);
    const other = fitOf("voteincome", "income ~ education + age + (1 | state)");
    expect(refusal(() => sim(m, {x: setx(other)}))).toBe("x was made by setx for another model; call setx with this model");
    expect(refusal(() => sim(m, {x: setx(m, {age: [1, 2, 3]}), x1: setx(m, {age: [1, 2]})}))).toBe(
      "x has 3 profiles and x1 has 2; give x1 one profile or as many as x"
    );
    expect(refusal(() => sim(m, {x, seed: -1}))).toBe("invalid seed: the number -1; use an integer from 0 to 4294967295");
    expect(refusal(() => sim(m, {x, seed: 1, random: randomSource(1)}))).toBe("give seed or random, not both");
    expect(refusal(() => sim(m, {x, draws: 10} as never))).toBe("unknown option \"draws\" of sim; the options are x, x1, n, seed, random, treatment, data, trials");
    expect(refusal(() => sim(m, {x, nsim: 10} as never))).toBe("unknown option \"nsim\" of sim; did you mean \"n\"? The options are x, x1, n, seed, random, treatment, data, trials");
    expect(refusal(() => sim(m, {x: {X: []} as never}))).toBe("invalid x: an object; make it with setx(model, …)");
  });
});
