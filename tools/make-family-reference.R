# Writes test/fixtures/glmm/families.json: the links and response distributions exactly as glmer evaluates
# them inside PIRLS (lme4 1.1-31's C++ glmFamily, reached through lme4::glmFamily$new, with its clamps at
# machine epsilon), on grids, for test/glmm-families.test.ts. Link functions g(μ) come from R's family
# objects (glmer only calls them for the starting values). Run from the project root:
#   Rscript tools/make-family-reference.R
suppressMessages(library(lme4))
library(jsonlite)
# numbers to 17 significant digits (jsonlite stops at 15), so that the test can ask for a few ulps;
# non-finite values as null
num <- function(x) structure(paste0("[", paste(ifelse(is.finite(x), sprintf("%.17g", x), "null"), collapse = ", "), "]"), class = "json")
json <- function(x) toJSON(x, auto_unbox = TRUE, json_verbatim = TRUE, pretty = TRUE)
eta <- c(-800, -40, -37, -31, -30, -12, -3.5, -1, -0.25, -1e-9, 0, 1e-9, 0.25, 1, 3.5, 12, 30, 31, 37, 40, 800)
etaPos <- c(1e-300, 1e-9, 0.01, 0.25, 1, 3.5, 12, 1e6)
muUnit <- c(1e-300, 1e-17, 1e-9, 1e-3, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999, 1 - 1e-9, 1 - 1e-15)
muPos <- c(1e-300, 1e-9, 1e-3, 0.1, 1, 2.5, 37, 1e6, 1e200)
links <- list(
  logit = list(f = binomial("logit"), eta = eta, mu = muUnit),
  probit = list(f = binomial("probit"), eta = eta, mu = muUnit),
  cauchit = list(f = binomial("cauchit"), eta = c(eta, -1e16, 1e16), mu = muUnit),
  cloglog = list(f = binomial("cloglog"), eta = c(eta, 700, 701), mu = muUnit),
  log = list(f = poisson("log"), eta = eta[abs(eta) < 700], mu = muPos),
  identity = list(f = gaussian("identity"), eta = eta, mu = c(-muPos, muPos)),
  inverse = list(f = Gamma("inverse"), eta = c(-etaPos, etaPos), mu = muPos),
  sqrt = list(f = poisson("sqrt"), eta = etaPos, mu = muPos),
  "1/mu^2" = list(f = inverse.gaussian("1/mu^2"), eta = etaPos, mu = muPos)
)
linkOut <- lapply(names(links), function(n) {
  l <- links[[n]]
  g <- glmFamily$new(family = l$f)
  list(name = n, eta = num(l$eta), linkinv = num(g$linkInv(l$eta)), mu_eta = num(g$muEta(l$eta)),
       mu = num(l$mu), linkfun = num(l$f$linkfun(l$mu)))
})
fam <- function(f, y, mu, wt, n = wt) {
  g <- glmFamily$new(family = f)
  dev <- g$devResid(y, mu, wt)
  list(family = f$family, y = num(y), mu = num(mu), wt = num(wt), n = num(n), variance = num(g$variance(mu)), dev_resids = num(dev),
       aic = num(g$aic(y, n, mu, wt, sum(dev))))
}
trials <- c(14, 12, 9, 5, 22, 18, 21, 22)
famOut <- list(
  binomial_01 = fam(binomial(), c(0, 1, 1, 0, 1, 0, 0, 1), c(0.2, 0.9, 0.5, 1e-6, 1 - 1e-6, 0.5, 0.97, 0.03), rep(1, 8)),
  binomial_proportions = fam(binomial(), c(2, 3, 4, 0, 3, 1, 1, 8) / trials, c(0.15, 0.2, 0.3, 0.05, 0.12, 0.1, 0.06, 0.3), trials),
  binomial_edges = fam(binomial(), c(0, 1, 0.5, 1), c(1e-300, 1 - 1e-16, 2.220446049250313e-16, 0.5), rep(1, 4)),
  poisson = fam(poisson(), c(0, 1, 2, 7, 0, 13, 3, 40), c(0.5, 1.2, 2, 5.5, 1e-3, 12, 3, 38.5), rep(1, 8)),
  poisson_weighted = fam(poisson(), c(0, 1, 2, 7, 0, 13), c(0.5, 1.2, 2, 5.5, 1e-3, 12), c(1, 2, 0.5, 1, 3, 1)),
  Gamma = fam(Gamma(), c(0.3, 1.2, 2.5, 7, 0.05, 13), c(0.5, 1, 2, 8, 0.1, 12), rep(1, 6)),
  Gamma_weighted = fam(Gamma(), c(0.3, 1.2, 2.5, 7, 0.05, 13), c(0.5, 1, 2, 8, 0.1, 12), c(1, 2, 0.5, 1, 3, 1)),
  inverse_gaussian = fam(inverse.gaussian(), c(0.3, 1.2, 2.5, 7, 0.05, 13), c(0.5, 1, 2, 8, 0.1, 12), c(1, 2, 0.5, 1, 3, 1)),
  gaussian = fam(gaussian(), c(-1.5, 0.3, 2, 7.25, 0, 11), c(-1, 0, 2.5, 7, 0.5, 10), c(1, 2, 0.5, 1, 3, 1))
)
# R's log densities (Loader's saddle point), which the families' AIC uses
bx <- c(0, 1, 2, 5, 7, 0, 3, 50, 499, 1000, 0, 20, 3, 17)
bn <- c(5, 5, 5, 5, 7, 1000, 10, 100, 1000, 1000, 20, 20, 40, 40)
bp <- c(0.3, 0.3, 0.3, 0.3, 0.9, 0.001, 0.31, 0.5, 0.5, 0.999, 0.95, 0.95, 1e-3, 0.4)
px <- c(0, 1, 3, 7, 15, 16, 40, 100, 1000, 2.5, 0.3, 35, 80, 501)
pl <- c(2.5, 2.5, 2.5, 7.2, 1e-3, 20, 38.5, 1e3, 1000.5, 2.5, 4, 36, 79, 500)
gx <- c(0.3, 1.2, 2.5, 7, 0.05, 13, 1e-3, 100)
ga <- c(0.5, 2, 3, 0.25, 10, 1.5, 40, 1)
gs <- c(1, 0.5, 2, 8, 0.01, 12, 0.1, 50)
densities <- list(
  binomial = list(x = num(bx), n = num(bn), p = num(bp), log = num(dbinom(bx, bn, bp, log = TRUE))),
  poisson = list(x = num(px), lambda = num(pl), log = num(suppressWarnings(dpois(px, pl, log = TRUE)))),
  gamma = list(x = num(gx), shape = num(ga), scale = num(gs), log = num(dgamma(gx, ga, scale = gs, log = TRUE)))
)
dir.create("test/fixtures/glmm", showWarnings = FALSE, recursive = TRUE)
writeLines(json(list(R = R.version.string, lme4 = as.character(packageVersion("lme4")),
                     links = linkOut, families = famOut, densities = densities)), "test/fixtures/glmm/families.json")
