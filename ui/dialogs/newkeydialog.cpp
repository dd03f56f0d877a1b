// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/newkeydialog.h"

#include "core/config/clientsnippets.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

// The snippet titles come from core (English); these markers keep them in the translation file.
[[maybe_unused]] static const char *const kSnippetTitles[] = {
    QT_TRANSLATE_NOOP("rd::ui::Snippets", "Claude Code"),
    QT_TRANSLATE_NOOP("rd::ui::Snippets", "Codex CLI"),
    QT_TRANSLATE_NOOP("rd::ui::Snippets", "Gemini CLI"),
    QT_TRANSLATE_NOOP("rd::ui::Snippets", "Droid CLI"),
    QT_TRANSLATE_NOOP("rd::ui::Snippets", "Anthropic SDK (JS)"),
    QT_TRANSLATE_NOOP("rd::ui::Snippets", "Anthropic SDK (Python)"),
    QT_TRANSLATE_NOOP("rd::ui::Snippets", "OpenAI SDK"),
    QT_TRANSLATE_NOOP("rd::ui::Snippets", "Google GenAI SDK"),
};

namespace rd::ui {

NewKeyDialog::NewKeyDialog(const QString &keyName, QString key, const QString &host, quint16 port, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(u"newKeyDialog"_s);
    setWindowTitle(tr("New key “%1”").arg(keyName));
    resize(720, 480);
    auto *layout = new QVBoxLayout(this);
    auto *notice =
        new QLabel(tr("Copy the key now: RelayDesk keeps only its hash, so it cannot be shown again."), this);
    notice->setWordWrap(true);
    layout->addWidget(notice);
    auto *row = new QHBoxLayout();
    m_keyField = new QLineEdit(this);
    m_keyField->setObjectName(u"keyField"_s);
    m_keyField->setReadOnly(true);
    m_keyField->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto *copy = new QPushButton(tr("&Copy"), this);
    copy->setObjectName(u"copyButton"_s);
    row->addWidget(m_keyField, 1);
    row->addWidget(copy);
    layout->addLayout(row);

    layout->addWidget(new QLabel(tr("Client configuration:"), this));
    m_snippets = new QTabWidget(this);
    m_snippets->setObjectName(u"snippets"_s);
    for (const config::ClientSnippet &snippet : config::clientSnippets(host, port, key)) {
        auto *view = new QPlainTextEdit(snippet.text, m_snippets);
        view->setReadOnly(true);
        view->setLineWrapMode(QPlainTextEdit::NoWrap);
        view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        view->setTabChangesFocus(true);
        m_snippets->addTab(view, QCoreApplication::translate("rd::ui::Snippets", snippet.title));
    }
    layout->addWidget(m_snippets, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *copySnippet = buttons->addButton(tr("Copy &snippet"), QDialogButtonBox::ActionRole);
    copySnippet->setObjectName(u"copySnippetButton"_s);
    layout->addWidget(buttons);

    m_keyField->setText(key);
    key.fill(u'\0');
    connect(copy, &QPushButton::clicked, this, &NewKeyDialog::copyKey);
    connect(copySnippet, &QPushButton::clicked, this, &NewKeyDialog::copySnippet);
    connect(buttons, &QDialogButtonBox::rejected, this, &NewKeyDialog::reject);
    connect(this, &QDialog::finished, this, &NewKeyDialog::forget);
    m_keyField->selectAll();
    m_keyField->setFocus();
}

NewKeyDialog::~NewKeyDialog()
{
    forget();
}

void NewKeyDialog::copyKey()
{
    QGuiApplication::clipboard()->setText(m_keyField->text());
}

void NewKeyDialog::copySnippet()
{
    if (const auto *view = qobject_cast<QPlainTextEdit *>(m_snippets->currentWidget())) {
        QGuiApplication::clipboard()->setText(view->toPlainText());
    }
}

void NewKeyDialog::forget()
{
    m_keyField->clear();
    for (int i = 0; i < m_snippets->count(); ++i) {
        if (auto *view = qobject_cast<QPlainTextEdit *>(m_snippets->widget(i))) {
            view->clear();
        }
    }
}

} // namespace rd::ui
