# lme4 fits of the models Zelig's two-equation formulas mean, for test/zelig-notation.test.ts: Exam (mlmRev)
# with its school-level covariates (schavg, schgend), and voteincome (Zelig) with a state-level covariate, the
# state's mean years of education (meaneducation = ave(education, state)), the contextual variable of the
# multilevel literature. voteincome has two states, so a state-level covariate leaves the state variance
# unidentified (the REML criterion is flat in θ): its fixture is for the expansion, the fixed effects and the
# criterion. Each case holds the Zelig list, the lme4 formula it expands to and lme4's fit of that formula
# (REML, as Zelig's ls.mixed fits) at the optimum.
# Run from the project folder: Rscript tools/make-zelig-reference.R  (needs r-cran-lme4 r-cran-jsonlite)
suppressMessages({library(lme4); library(jsonlite)})
invisible(Sys.setlocale("LC_COLLATE", "C"))

vote <- read.csv("datasets/voteincome.csv", stringsAsFactors = TRUE)
vote$meaneducation <- ave(vote$education, vote$state)
exam <- read.csv("datasets/Exam.csv", stringsAsFactors = TRUE)
datasets <- list(voteincome = vote, Exam = exam)

cases <- list(
  list(id = "voteincome-intercept-model", data = "voteincome", zelig = list(mu = "income ~ education + age + female + tag(1, gamma | state)", gamma = "~ tag(meaneducation | state)"),
       formula = "income ~ education + age + female + meaneducation + (1 | state)"),
  list(id = "Exam-slopes-as-outcomes", data = "Exam", zelig = list(mu = "normexam ~ standLRT + sex + tag(1 + standLRT, gamma | school)", gamma = "~ tag(schavg | school)"),
       formula = "normexam ~ standLRT + sex + schavg + standLRT:schavg + (1 + standLRT | school)"),
  list(id = "Exam-intercept-two-covariates", data = "Exam", zelig = list(mu = "normexam ~ standLRT + tag(1, gamma | school)", gamma = "~ tag(schavg + schgend | school)"),
       formula = "normexam ~ standLRT + schavg + schgend + (1 | school)")
)

source("tools/lmer-fixture.R")

for (cs in cases) {
  cat(cs$id, "\n")
  d <- datasets[[cs$data]]
  f <- as.formula(cs$formula)
  secs <- system.time(m0 <- suppressWarnings(lmer(f, d)))[["elapsed"]]
  m <- best_optimum(m0, f, d, TRUE)
  out <- c(list(id = cs$id, zelig = cs$zelig, dataset = cs$data, derived = if (cs$data == "voteincome") "meaneducation = ave(education, state)" else NULL,
                formula = cs$formula, REML = TRUE),
           fixture_fields(m, m0, secs, TRUE))
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
             file.path("test/fixtures/zelig", paste0(cs$id, ".json")))
}
cat("done\n")
