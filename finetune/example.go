package finetune

// Example is one tokenized training sequence; Mask[t] says whether token t is learned (its
// prediction from the tokens before it adds to the loss): answer tokens of a chat, every token
// of plain text.
type Example struct {
	Tokens []int32 `json:"tokens"`
	Mask   []bool  `json:"mask"`
}

// targets returns, for positions 0..T−1, the next token when it carries loss, else −1.
func (e Example) targets(maxLen int) (tokens, targets []int32) {
	tokens = e.Tokens
	if len(tokens) > maxLen {
		tokens = tokens[:maxLen]
	}
	targets = make([]int32, len(tokens))
	for t := range tokens {
		targets[t] = -1
		if t+1 < len(tokens) && e.Mask[t+1] {
			targets[t] = tokens[t+1]
		}
	}
	return tokens, targets
}

// lossTokens counts the positions that carry loss within the first maxLen tokens.
func (e Example) lossTokens(maxLen int) int {
	n := 0
	for t := 1; t < min(len(e.Tokens), maxLen); t++ {
		if e.Mask[t] {
			n++
		}
	}
	return n
}
