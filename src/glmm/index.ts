export {glmer, type GlmerOptions} from "./fit.js";
export {GeneralizedLinearMixedModel, type GlmCoefficients, type GlmResiduals} from "./model.js";
export {family, FAMILY_NAMES, FAMILY_LINKS, type Family, type FamilyName} from "./families.js";
export {link, LINK_NAMES, type Link, type LinkName} from "./links.js";
