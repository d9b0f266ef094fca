"""aclara's HTTP gateway: chat API, the web page, language handling and privacy filtering."""
