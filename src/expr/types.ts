import type { Clock } from "../core/clock.js";
import type { Random } from "../core/random.js";

/**
 * The checked syntax tree of one expression. jsep's tree is converted into this closed union
 * at parse time so the evaluator's `switch` is exhaustive and nothing jsep might add later
 * (plugins, new node kinds) can reach evaluation unchecked.
 */
export type ExprNode =
  | LiteralNode
  | NameNode
  | AccessNode
  | CallNode
  | UnaryNode
  | BinaryNode
  | ConditionalNode
  | ArrayNode;

export interface LiteralNode {
  readonly type: "Literal";
  readonly value: string | number | boolean | null;
}

/** One step of a member chain: a static key (`.b`, `['x-id']`, `[0]`) or a computed one (`[i]`). */
export type Segment = { readonly key: string } | { readonly index: ExprNode };

/**
 * A name with its member chain flattened (`a.b[0].c` is one node), so a missing part can be
 * reported with the whole path the user wrote rather than just the first missing step.
 */
export interface NameNode {
  readonly type: "Name";
  readonly name: string;
  readonly segments: readonly Segment[];
}

/** Member access on something that is not a name: `[1, 2][0]`, `json(x).length`, `(a ? b : c).d`. */
export interface AccessNode {
  readonly type: "Access";
  readonly object: ExprNode;
  readonly segments: readonly Segment[];
}

export interface CallNode {
  readonly type: "Call";
  readonly name: string;
  readonly args: readonly ExprNode[];
}

export type UnaryOperator = "!" | "NOT" | "-" | "+";

export interface UnaryNode {
  readonly type: "Unary";
  readonly operator: UnaryOperator;
  readonly argument: ExprNode;
}

export type BinaryOperator =
  | "OR"
  | "||"
  | "AND"
  | "&&"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "contains"
  | "matches"
  | "in"
  | "+"
  | "-"
  | "*"
  | "/"
  | "%";

export interface BinaryNode {
  readonly type: "Binary";
  readonly operator: BinaryOperator;
  readonly left: ExprNode;
  readonly right: ExprNode;
}

export interface ConditionalNode {
  readonly type: "Conditional";
  readonly test: ExprNode;
  readonly consequent: ExprNode;
  readonly alternate: ExprNode;
}

export interface ArrayNode {
  readonly type: "Array";
  readonly elements: readonly ExprNode[];
}

/** A parsed, validated, immutable expression. Shared through the parse cache: never mutate it. */
export interface Expr {
  /** The source text it was parsed from. */
  readonly source: string;
  readonly root: ExprNode;
  /** Static member paths read by the expression (see `collectPaths`). */
  readonly paths: readonly string[];
}

/** What evaluation needs from outside. */
export interface EvalEnv {
  clock: Clock;
  random: Random;
  /** When true, a root name that is neither in scope nor built in is an error instead of `undefined`. */
  strict?: boolean;
  /** Told about every missing name or property; `name` is the dotted path, e.g. `body.customer.id`. */
  warn?: (message: string, name: string) => void;
}
