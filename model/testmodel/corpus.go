package testmodel

// corpus is the text the tiny vocabularies are learned from: English and Chinese, so that
// both languages get multi-character pieces and Chinese round-trips through real pieces as
// well as byte fallback.
var corpus = []string{
	"Once upon a time, there was a little girl named Lily. She loved to play outside in the sun.",
	"One day, she saw a big red ball in the park. She wanted to play with it, but it was not hers.",
	"The company handbook explains how to request leave, how to file expenses and who to ask for help.",
	"Every new employee meets their mentor in the first week and reads the security policy.",
	"Please submit the expense report before the end of the month, with all receipts attached.",
	"The quick brown fox jumps over the lazy dog while the cat watches from the window.",
	"What is the capital of France? The capital of France is Paris, a city on the Seine.",
	"We train a small model on our own documents and compare it with retrieval over the same documents.",
	"Hello, world! This is a test of the tokenizer with numbers like 42, 2024 and 3.14.",
	"从前有一个小女孩，她的名字叫莉莉。她喜欢在阳光下玩耍。",
	"公司手册说明了如何申请休假、如何报销费用以及遇到问题时应该找谁。",
	"每位新员工在第一周都会见到自己的导师，并阅读安全政策。",
	"请在月底之前提交报销单，并附上所有的收据。",
	"我们用自己的文档训练一个小模型，并把它和检索的方法进行比较。",
	"你好，世界！今天天气很好，我们一起去公园散步吧。",
	"中国的首都是北京，上海是中国最大的城市之一。",
	"学习和查找是两种不同的方法：模型可以学会说话，也可以查找资料。",
	"The model speaks English and 中文 in the same sentence, 比如 this one 和那一个。",
}
