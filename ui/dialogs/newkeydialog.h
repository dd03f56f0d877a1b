// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QLineEdit;
class QTabWidget;

namespace rd::ui {

// Shows a new key once: the key with a Copy button and ready-made client snippets for the relay's address. The key
// lives only in this dialog's widgets and the clipboard (when copied); the fields are cleared when it closes.
class NewKeyDialog : public QDialog
{
    Q_OBJECT
public:
    NewKeyDialog(const QString &keyName, QString key, const QString &host, quint16 port, QWidget *parent = nullptr);
    ~NewKeyDialog() override;

private:
    void copyKey();
    void copySnippet();
    void forget();

    QLineEdit *m_keyField = nullptr;
    QTabWidget *m_snippets = nullptr;
};

} // namespace rd::ui
