/** The longest `where` accepted: longer logic belongs in a view. */
export const WHERE_MAX_LENGTH = 1000;

/** How deep parentheses may nest in a `where`. */
export const WHERE_MAX_NESTING = 32;
