"""你的作业（d2l-zh v2 §7.1–7.3）：补全这些函数，然后运行 `pytest --submission assignments_zh --lang zh`。"""
