;;; dossier.el --- Dossier's relation files and query scripts with eglot

;; Load it from init.el: (load "/path/to/editors/emacs/dossier.el")

(define-derived-mode dossier-mode prog-mode "Dossier"
  "Dossier relation files (.kg) and query scripts (.kgq)."
  (setq-local comment-start "# ")
  (setq-local comment-start-skip "#+\\s-*")
  (modify-syntax-entry ?# "<" dossier-mode-syntax-table)
  (modify-syntax-entry ?\n ">" dossier-mode-syntax-table)
  (modify-syntax-entry ?_ "w" dossier-mode-syntax-table))

(add-to-list 'auto-mode-alist '("\\.kgq?\\'" . dossier-mode))

(with-eval-after-load 'eglot
  ;; For strict checking: '(dossier-mode . ("dossier" "lsp" :initializationOptions (:strict t)))
  (add-to-list 'eglot-server-programs '(dossier-mode . ("dossier" "lsp"))))

(add-hook 'dossier-mode-hook #'eglot-ensure)

(provide 'dossier)
;;; dossier.el ends here
