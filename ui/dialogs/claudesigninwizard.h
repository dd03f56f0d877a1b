// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/oauth/claudeoauth.h"
#include "core/store/records.h"
#include "core/util/result.h"

#include <QDialog>

#include <memory>
#include <optional>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace rd::secrets {
class Sealer;
}

namespace rd::ui {

// Signs a Claude subscription in, as `relaydesk accounts login-claude` does (PROTOCOLS §5.1). Claude's redirect URI
// is Anthropic's own page, so there is no loopback: "Open the sign-in page" opens the browser at the PKCE authorize
// URL, the user pastes the code (or the whole callback URL) and "Sign in" trades it for tokens through the account's
// proxy, with progress and clear errors. Variants: a long-lived setup token through the browser, or a pasted token
// from `claude setup-token`. Success seals the tokens (AAD = the new account id) and emits submitted() with a
// personal claude-oauth record; the page inserts it and answers with accept() or showError().
class ClaudeSignInWizard : public QDialog
{
    Q_OBJECT
public:
    enum class Method
    {
        Browser,    // browser sign-in: access and refresh token (8 h, refreshed by the relay)
        SetupToken, // browser sign-in for a one-year token (user:inference only)
        PasteToken, // a token printed by `claude setup-token`
    };

    explicit ClaudeSignInWizard(std::shared_ptr<const secrets::Sealer> sealer,
                                oauth::ClaudeOAuthEndpoints endpoints = oauth::ClaudeOAuthEndpoints::defaults(),
                                QWidget *parent = nullptr);
    ~ClaudeSignInWizard() override;
    void showError(const QString &message);
    QUrl authorizeUrl() const; // of the pending sign-in; empty before "Open the sign-in page"

signals:
    void submitted(const rd::store::AccountRecord &record); // credentials already sealed

protected:
    // QDesktopServices::openUrl; tests override it to capture the URL. False: the user copies the shown address.
    virtual bool openBrowser(const QUrl &url);

private:
    Method method() const;
    [[nodiscard]] Result<store::AccountRecord> record() const; // everything but the credentials
    QNetworkProxy proxy() const;
    void methodChanged();
    void startBrowserSignIn();
    void validate();
    void submit();
    void exchanged(Result<oauth::TokenSet> tokens);
    void storeTokens(const oauth::TokenSet &tokens);
    void setBusy(bool busy, const QString &status = {});

    std::shared_ptr<const secrets::Sealer> m_sealer;
    oauth::ClaudeOAuthEndpoints m_endpoints;
    std::optional<oauth::PkceSession> m_session;
    std::optional<oauth::TokenSet> m_tokens; // signed in, not stored yet (a store error lets the user fix and retry)
    oauth::ClaudeTokenClient *m_client = nullptr;
    QLineEdit *m_name = nullptr;
    QComboBox *m_method = nullptr;
    QSpinBox *m_priority = nullptr;
    QLineEdit *m_proxyUrl = nullptr;
    QLineEdit *m_proxyPassword = nullptr;
    QPushButton *m_openBrowserButton = nullptr;
    QLineEdit *m_authorizeUrl = nullptr;
    QLabel *m_codeLabel = nullptr;
    QLineEdit *m_code = nullptr;
    QLabel *m_guardrailLabel = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_statusLabel = nullptr;
    QLabel *m_errorLabel = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    bool m_busy = false;
};

} // namespace rd::ui
