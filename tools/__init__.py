"""LangChain tools by domain. Shop policy is enforced here, in code, whatever a model asks for."""
