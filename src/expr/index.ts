/**
 * The one expression language (SPEC §8): parsed by jsep with word operators added, evaluated
 * by a small interpreter that reads own data properties only and calls only the function table.
 */
export { parseExpression } from "./parse-expression.js";
export { evaluate } from "./evaluate.js";
export { collectPaths } from "./collect-paths.js";
export { childrenOf } from "./children.js";
export { FUNCTION_NAMES } from "./functions.js";
export { BUILTIN_NAMES } from "./lookup.js";
export { FORBIDDEN_NAMES } from "./forbidden.js";
export { looseEquals } from "./operators.js";
export { compilePattern, MAX_MATCH_INPUT, MAX_PATTERN_LENGTH, type Pattern } from "./regex.js";
export { toText, truthy } from "./values.js";
export { quoteSource } from "./syntax-error.js";
export type {
  ArrayNode,
  AccessNode,
  BinaryNode,
  BinaryOperator,
  CallNode,
  ConditionalNode,
  EvalEnv,
  Expr,
  ExprNode,
  LiteralNode,
  NameNode,
  Segment,
  UnaryNode,
  UnaryOperator,
} from "./types.js";
